// Loads ontology files with the OWL API (the library Protégé uses) and reports, one finding per
// line as TAB-separated KIND and TEXT: the ontology IRI and version IRI, unparsed triples, OWL 2 DL
// profile violations, placeholder entities in the OWL API error namespace, unresolved imports,
// named classes of the checked namespace that have no rdfs:label, and IRIs that are both a class and an
// individual (OWL 2 punning, which the DL profile allows but smekg does not).
// The files are loaded side by side (one thread each, one OWL API manager each) and reported in the order given.
// A file given as --no-profile FILE is loaded and reported without the OWL 2 DL profile check (for one whose axioms
// another file given holds too).
// Usage: java -cp CP OwlLoadGate.java [--catalog catalog-v001.xml] [--namespace IRI] [--no-profile FILE]... FILE...

import java.io.File;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.xml.parsers.DocumentBuilderFactory;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.io.OWLOntologyLoaderMetaData;
import org.semanticweb.owlapi.model.*;
import org.semanticweb.owlapi.model.parameters.Imports;
import org.semanticweb.owlapi.profiles.OWL2DLProfile;
import org.semanticweb.owlapi.profiles.OWLProfileViolation;
import org.semanticweb.owlapi.util.SimpleIRIMapper;
import org.semanticweb.owlapi.vocab.OWLRDFVocabulary;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

public class OwlLoadGate {
    static final String ERROR_NS = "http://org.semanticweb.owlapi/error#";

    public static void main(String[] args) throws Exception {
        String catalog = null;
        String namespace = null;
        List<String> files = new ArrayList<>();
        Set<String> unprofiled = new HashSet<>();
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--catalog")) catalog = args[++i];
            else if (args[i].equals("--namespace")) namespace = args[++i];
            else if (args[i].equals("--no-profile")) { files.add(args[++i]); unprofiled.add(args[i]); }
            else files.add(args[i]);
        }
        final String cat = catalog, ns = namespace;
        List<String> reports = files.parallelStream()
            .map(f -> report(new File(f), cat, ns, !unprofiled.contains(f)))
            .collect(Collectors.toList());
        reports.forEach(System.out::print);
    }

    static String report(File file, String catalog, String namespace, boolean profile) {
        StringBuilder out = new StringBuilder();
        emit(out, "FILE", file.getPath());
        try {
            check(out, file, catalog, namespace, profile);
        } catch (Exception e) {
            emit(out, "LOAD_ERROR", e);
        }
        return out.toString();
    }

    static void emit(StringBuilder out, String kind, Object text) {
        out.append(kind).append('\t').append(String.valueOf(text).replace('\n', ' ').replace('\t', ' ')).append('\n');
    }

    static void check(StringBuilder out, File file, String catalog, String namespace, boolean profile)
            throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        if (catalog != null) addCatalog(manager, new File(catalog));
        OWLOntologyLoaderConfiguration config = new OWLOntologyLoaderConfiguration()
            .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT);
        manager.addMissingImportListener(e -> emit(out, "UNRESOLVED_IMPORT", e.getImportedOntologyURI()));
        OWLOntology ont;
        try {
            ont = manager.loadOntologyFromOntologyDocument(new FileDocumentSource(file), config);
        } catch (OWLOntologyCreationException e) {
            emit(out, "LOAD_ERROR", e.getMessage());
            return;
        }
        OWLOntologyID id = ont.getOntologyID();
        emit(out, "IRI", id.getOntologyIRI().map(IRI::toString).orElse(""));
        emit(out, "VERSION_IRI", id.getVersionIRI().map(IRI::toString).orElse(""));
        OWLDocumentFormat format = manager.getOntologyFormat(ont);
        emit(out, "FORMAT", format == null ? "" : format.getKey());
        if (format != null && format.getOntologyLoaderMetaData().isPresent()) {
            OWLOntologyLoaderMetaData meta = format.getOntologyLoaderMetaData().get();
            meta.getUnparsedTriples().forEach(t -> emit(out, "UNPARSED", t));
        }
        if (profile) {
            for (OWLProfileViolation v : new OWL2DLProfile().checkOntology(ont).getViolations()) {
                emit(out, "DL_VIOLATION", v.toString());
            }
        }
        ont.signature(Imports.INCLUDED)
            .filter(e -> e.getIRI().toString().startsWith(ERROR_NS))
            .forEach(e -> emit(out, "ERROR_ENTITY", e));
        Set<IRI> classes = ont.classesInSignature(Imports.INCLUDED).map(OWLClass::getIRI).collect(Collectors.toSet());
        ont.individualsInSignature(Imports.INCLUDED)
            .filter(i -> classes.contains(i.getIRI()))
            .forEach(i -> emit(out, "PUNNED_CLASS", i.getIRI()));
        emit(out, "AXIOMS", ont.getAxiomCount());
        emit(out, "CLASSES", ont.classesInSignature().count());
        if (namespace != null) {
            IRI label = OWLRDFVocabulary.RDFS_LABEL.getIRI();
            ont.classesInSignature()
                .filter(c -> c.getIRI().toString().startsWith(namespace))
                .filter(c -> ont.annotationAssertionAxioms(c.getIRI())
                                .noneMatch(a -> a.getProperty().getIRI().equals(label)))
                .forEach(c -> emit(out, "UNLABELLED_CLASS", c.getIRI()));
        }
    }

    static void addCatalog(OWLOntologyManager manager, File catalog) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setNamespaceAware(true);
        NodeList uris = factory.newDocumentBuilder().parse(catalog).getElementsByTagNameNS("*", "uri");
        for (int i = 0; i < uris.getLength(); i++) {
            Element uri = (Element) uris.item(i);
            File target = new File(catalog.getParentFile(), uri.getAttribute("uri"));
            manager.getIRIMappers().add(new SimpleIRIMapper(IRI.create(uri.getAttribute("name")),
                                                            IRI.create(target.toURI())));
        }
    }
}
