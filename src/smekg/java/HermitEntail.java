// What HermiT (complete for OWL 2 DL) entails from an ontology, one fact per line, for smekg's fallback route:
//   INCONSISTENT                       (and nothing else) when the ontology is inconsistent
//   SUB <class> <superclass>           direct subclass edges between named classes
//   EQ <class> <class>                 named classes HermiT finds equivalent (owl:Nothing for unsatisfiable ones)
//   TYPE <individual> <class>          every named type of every named individual
//   VALUE <individual> <property> <individual>   every entailed value of every named object property
// Runs with the HermiT jar that owlready2 ships (it bundles the OWL API 3): java -cp HermiT.jar HermitEntail.java FILE
// [OWX]: with OWX, the ontology as the OWL API read it is also saved there in OWL/XML (for explanations).
import java.io.File;
import java.io.PrintStream;
import org.semanticweb.HermiT.Reasoner;
import org.semanticweb.owlapi.apibinding.OWLManager;
import org.semanticweb.owlapi.io.OWLXMLOntologyFormat;
import org.semanticweb.owlapi.model.IRI;
import org.semanticweb.owlapi.model.OWLClass;
import org.semanticweb.owlapi.model.OWLNamedIndividual;
import org.semanticweb.owlapi.model.OWLObjectProperty;
import org.semanticweb.owlapi.model.OWLOntology;
import org.semanticweb.owlapi.model.OWLOntologyManager;
import org.semanticweb.owlapi.reasoner.InferenceType;

public class HermitEntail {
    public static void main(String[] args) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(args[0]));
        if (args.length > 1) {
            manager.saveOntology(ontology, new OWLXMLOntologyFormat(), IRI.create(new File(args[1])));
        }
        Reasoner reasoner = new Reasoner(ontology);
        PrintStream out = new PrintStream(System.out, false, "UTF-8");
        if (!reasoner.isConsistent()) {
            out.println("INCONSISTENT");
            out.flush();
            return;
        }
        reasoner.precomputeInferences(InferenceType.CLASS_HIERARCHY, InferenceType.CLASS_ASSERTIONS,
                InferenceType.OBJECT_PROPERTY_ASSERTIONS);
        for (OWLClass cls : ontology.getClassesInSignature(true)) {
            for (OWLClass sup : reasoner.getSuperClasses(cls, true).getFlattened()) {
                out.println("SUB " + cls.getIRI() + " " + sup.getIRI());
            }
            for (OWLClass same : reasoner.getEquivalentClasses(cls).getEntities()) {
                if (!same.equals(cls)) {
                    out.println("EQ " + cls.getIRI() + " " + same.getIRI());
                }
            }
        }
        for (OWLNamedIndividual individual : ontology.getIndividualsInSignature(true)) {
            for (OWLClass type : reasoner.getTypes(individual, false).getFlattened()) {
                out.println("TYPE " + individual.getIRI() + " " + type.getIRI());
            }
            for (OWLObjectProperty property : ontology.getObjectPropertiesInSignature(true)) {
                for (OWLNamedIndividual value : reasoner.getObjectPropertyValues(individual, property).getFlattened()) {
                    out.println("VALUE " + individual.getIRI() + " " + property.getIRI() + " " + value.getIRI());
                }
            }
        }
        out.flush();
    }
}
