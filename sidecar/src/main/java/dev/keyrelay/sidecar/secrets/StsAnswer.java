package dev.keyrelay.sidecar.secrets;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilder;
import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.ParserConfigurationException;
import org.w3c.dom.Document;
import org.w3c.dom.NodeList;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.DefaultHandler;

/**
 * An XML answer of AWS STS (the query protocol): {@code AssumeRoleWithWebIdentityResponse} with
 * {@code Credentials}, or {@code ErrorResponse} with an {@code Error/Code}. Parsed with the JDK's
 * DOM parser, document type declarations refused (no entity can be expanded or fetched).
 */
final class StsAnswer {

  private final Document document;

  private StsAnswer(Document document) {
    this.document = document;
  }

  /**
   * @throws IllegalArgumentException when the bytes are not an XML document
   */
  static StsAnswer parse(byte[] xml) {
    try {
      DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
      factory.setNamespaceAware(true);
      factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
      factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      factory.setXIncludeAware(false);
      factory.setExpandEntityReferences(false);
      DocumentBuilder builder = factory.newDocumentBuilder();
      // The JDK's default handler also prints each error to stderr; the exception says enough.
      builder.setErrorHandler(new DefaultHandler());
      return new StsAnswer(builder.parse(new ByteArrayInputStream(xml)));
    } catch (ParserConfigurationException | SAXException | IOException e) {
      throw new IllegalArgumentException("not an XML document");
    }
  }

  /** The text of the first element named {@code name} in any namespace, or null. */
  String text(String name) {
    NodeList nodes = document.getElementsByTagNameNS("*", name);
    return nodes.getLength() == 0 ? null : nodes.item(0).getTextContent().strip();
  }
}
