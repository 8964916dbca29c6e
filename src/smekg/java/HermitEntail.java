// What HermiT (complete for OWL 2 DL) entails from an ontology, one fact per line, for smekg's fallback route:
//   INCONSISTENT                       (and nothing else) when the ontology is inconsistent
//   SUB <class> <superclass>           direct subclass edges between named classes
//   EQ <class> <class>                 named classes HermiT finds equivalent (owl:Nothing for unsatisfiable ones)
//   TYPE <individual> <class>          every named type of every named individual
//   VALUE <individual> <property> <individual>   every entailed value of every named object property
// Runs with the HermiT jar that owlready2 ships (it bundles the OWL API 3): java -cp HermiT.jar HermitEntail.java FILE
// [OWX]: with OWX, the ontology as the OWL API read it is also saved there in OWL/XML (for explanations).
//
// With --serve, one JVM answers many requests, one per line on stdin, fields separated by tabs:
//   entail FILE [OWX]          the lines above, as FILE [OWX] gives them
//   consistent FILE            CONSISTENT or INCONSISTENT
//   satisfiable FILE CLASS     SATISFIABLE, UNSATISFIABLE, or INCONSISTENT (no class is then satisfiable)
// Each answer ends with a line END; a request that fails answers ERROR <what went wrong> and END. Every request has
// its own OWL API manager and reasoner: nothing of one request is left for the next.
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
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
        PrintStream out = new PrintStream(System.out, false, "UTF-8");
        if (args.length == 1 && args[0].equals("--serve")) {
            serve(out);
        } else {
            entail(args[0], args.length > 1 ? args[1] : null, out);
        }
        out.flush();
    }

    static void serve(PrintStream out) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        for (String line = in.readLine(); line != null; line = in.readLine()) {
            try {
                answer(line.split("\t"), out);
            } catch (Exception | StackOverflowError | OutOfMemoryError error) {
                out.println("ERROR " + String.valueOf(error).replaceAll("\\s+", " "));
            }
            out.println("END");
            out.flush();
        }
    }

    static void answer(String[] request, PrintStream out) throws Exception {
        if (request[0].equals("entail") && (request.length == 2 || request.length == 3)) {
            entail(request[1], request.length == 3 ? request[2] : null, out);
            return;
        }
        boolean consistency = request[0].equals("consistent") && request.length == 2;
        if (!consistency && !(request[0].equals("satisfiable") && request.length == 3)) {
            throw new IllegalArgumentException("unknown request: " + String.join(" ", request));
        }
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        Reasoner reasoner = new Reasoner(manager.loadOntologyFromOntologyDocument(new File(request[1])));
        try {
            if (!reasoner.isConsistent()) {
                out.println("INCONSISTENT");
            } else if (consistency) {
                out.println("CONSISTENT");
            } else {
                OWLClass cls = manager.getOWLDataFactory().getOWLClass(IRI.create(request[2]));
                out.println(reasoner.isSatisfiable(cls) ? "SATISFIABLE" : "UNSATISFIABLE");
            }
        } finally {
            reasoner.dispose();
        }
    }

    static void entail(String path, String owx, PrintStream out) throws Exception {
        OWLOntologyManager manager = OWLManager.createOWLOntologyManager();
        OWLOntology ontology = manager.loadOntologyFromOntologyDocument(new File(path));
        if (owx != null) {
            manager.saveOntology(ontology, new OWLXMLOntologyFormat(), IRI.create(new File(owx)));
        }
        Reasoner reasoner = new Reasoner(ontology);
        try {
            facts(ontology, reasoner, out);
        } finally {
            reasoner.dispose();
        }
    }

    static void facts(OWLOntology ontology, Reasoner reasoner, PrintStream out) {
        if (!reasoner.isConsistent()) {
            out.println("INCONSISTENT");
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
    }
}
