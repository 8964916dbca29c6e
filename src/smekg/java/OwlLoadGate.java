// Loads ontology files with the OWL API (the library Protégé uses) and reports, one finding per
// line as TAB-separated KIND and TEXT: the ontology IRI and version IRI, unparsed triples, OWL 2 DL
// profile violations, placeholder entities in the OWL API error namespace, unresolved imports,
// named classes of the checked namespace that have no rdfs:label, and IRIs that are both a class and an
// individual (OWL 2 punning, which the DL profile allows but smekg does not).
// Usage: java -cp CP OwlLoadGate.java [--catalog catalog-v001.xml] [--namespace IRI] FILE...

import java.io.File;
import java.util.ArrayList;
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
        for (int i = 0; i < args.length; i++) {
            if (args[i].equals("--catalog")) catalog = args[++i];
            else if (args[i].equals("--namespace")) namespace = args[++i];
            else files.add(args[i]);
        }
        for (String file : files) check(new File(file), catalog, namespace);
    }

    static void emit(String kind, Object text) {
        System.out.println(kind + "\t" + String.valueOf(text).replace('\n', ' ').replace('\t', ' '));
    }

    static void check(File file, String catalog, String namespace) throws Exception {
        emit("FILE", file.getPath());
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        if (catalog != null) addCatalog(manager, new File(catalog));
        OWLOntologyLoaderConfiguration config = new OWLOntologyLoaderConfiguration()
            .setMissingImportHandlingStrategy(MissingImportHandlingStrategy.SILENT);
        manager.addMissingImportListener(e -> emit("UNRESOLVED_IMPORT", e.getImportedOntologyURI()));
        OWLOntology ont;
        try {
            ont = manager.loadOntologyFromOntologyDocument(new FileDocumentSource(file), config);
        } catch (OWLOntologyCreationException e) {
            emit("LOAD_ERROR", e.getMessage());
            return;
        }
        OWLOntologyID id = ont.getOntologyID();
        emit("IRI", id.getOntologyIRI().map(IRI::toString).orElse(""));
        emit("VERSION_IRI", id.getVersionIRI().map(IRI::toString).orElse(""));
        OWLDocumentFormat format = manager.getOntologyFormat(ont);
        emit("FORMAT", format == null ? "" : format.getKey());
        if (format != null && format.getOntologyLoaderMetaData().isPresent()) {
            OWLOntologyLoaderMetaData meta = format.getOntologyLoaderMetaData().get();
            meta.getUnparsedTriples().forEach(t -> emit("UNPARSED", t));
        }
        for (OWLProfileViolation v : new OWL2DLProfile().checkOntology(ont).getViolations()) {
            emit("DL_VIOLATION", v.toString());
        }
        ont.signature(Imports.INCLUDED)
            .filter(e -> e.getIRI().toString().startsWith(ERROR_NS))
            .forEach(e -> emit("ERROR_ENTITY", e));
        Set<IRI> classes = ont.classesInSignature(Imports.INCLUDED).map(OWLClass::getIRI).collect(Collectors.toSet());
        ont.individualsInSignature(Imports.INCLUDED)
            .filter(i -> classes.contains(i.getIRI()))
            .forEach(i -> emit("PUNNED_CLASS", i.getIRI()));
        emit("AXIOMS", ont.getAxiomCount());
        emit("CLASSES", ont.classesInSignature().count());
        if (namespace != null) {
            IRI label = OWLRDFVocabulary.RDFS_LABEL.getIRI();
            ont.classesInSignature()
                .filter(c -> c.getIRI().toString().startsWith(namespace))
                .filter(c -> ont.annotationAssertionAxioms(c.getIRI())
                                .noneMatch(a -> a.getProperty().getIRI().equals(label)))
                .forEach(c -> emit("UNLABELLED_CLASS", c.getIRI()));
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
