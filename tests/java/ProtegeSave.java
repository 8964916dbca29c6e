// Saves an ontology as Protégé does: load it with the OWL API, its imports resolved offline from the
// IRI=FILE pairs given (the entries of ontology/catalog-v001.xml, which Protégé reads), and store it with
// TurtleDocumentFormat, keeping the prefixes the document was read with.
// Prints each triple the parser could not read as "UNPARSED<TAB>triple".
// Usage: java -cp CP ProtegeSave.java IN.ttl OUT.ttl [IRI=FILE]...

import java.io.File;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.formats.TurtleDocumentFormat;
import org.semanticweb.owlapi.io.FileDocumentSource;
import org.semanticweb.owlapi.model.*;
import org.semanticweb.owlapi.util.SimpleIRIMapper;

public class ProtegeSave {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        for (int i = 2; i < args.length; i++) {
            String[] pair = args[i].split("=", 2);
            manager.getIRIMappers().add(new SimpleIRIMapper(IRI.create(pair[0]), IRI.create(new File(pair[1]).toURI())));
        }
        OWLOntology ont = manager.loadOntologyFromOntologyDocument(new FileDocumentSource(new File(args[0])));
        OWLDocumentFormat loaded = manager.getOntologyFormat(ont);
        loaded.getOntologyLoaderMetaData()
            .ifPresent(meta -> meta.getUnparsedTriples().forEach(t -> System.out.println("UNPARSED\t" + t)));
        TurtleDocumentFormat turtle = new TurtleDocumentFormat();
        turtle.copyPrefixesFrom(loaded.asPrefixOWLDocumentFormat());
        manager.saveOntology(ont, turtle, IRI.create(new File(args[1]).toURI()));
    }
}
