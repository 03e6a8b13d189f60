package dev.keyrelay.delivery.images;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.xpath.XPath;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;

/** What the Dockerfiles must agree with in the Maven build: its modules and their shaded jars. */
final class Poms {

  private static final XPath XPATH = XPathFactory.newInstance().newXPath();

  private Poms() {}

  /** The {@code <module>} entries of an aggregator pom. */
  static List<String> modules(Path pom) throws Exception {
    NodeList nodes =
        (NodeList)
            XPATH.evaluate(
                "/*[local-name()='project']/*[local-name()='modules']/*[local-name()='module']",
                read(pom),
                XPathConstants.NODESET);
    List<String> modules = new ArrayList<>();
    for (int i = 0; i < nodes.getLength(); i++) {
      modules.add(nodes.item(i).getTextContent().strip());
    }
    return modules;
  }

  /** Where {@code mvn package} leaves a module's shaded jar, relative to the module. */
  static String shadedJar(Path pom) throws Exception {
    String finalName =
        XPATH.evaluate(
            "//*[local-name()='plugin'][*[local-name()='artifactId']='maven-shade-plugin']"
                + "//*[local-name()='finalName']",
            read(pom));
    if (finalName.isBlank()) {
      throw new IllegalArgumentException(pom + ": the shade plugin sets no finalName");
    }
    return "target/" + finalName.strip() + ".jar";
  }

  private static Document read(Path pom) throws Exception {
    DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
    factory.setNamespaceAware(true);
    return factory.newDocumentBuilder().parse(pom.toFile());
  }
}
