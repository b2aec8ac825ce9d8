package org.jftrace.bench.macro;

import java.io.StringReader;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import javax.xml.parsers.DocumentBuilderFactory;
import javax.xml.parsers.SAXParserFactory;
import javax.xml.transform.OutputKeys;
import javax.xml.transform.Transformer;
import javax.xml.transform.TransformerFactory;
import javax.xml.transform.dom.DOMSource;
import javax.xml.transform.stream.StreamResult;
import javax.xml.xpath.XPathConstants;
import javax.xml.xpath.XPathFactory;

import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.xml.sax.InputSource;
import org.xml.sax.helpers.DefaultHandler;

/**
 * A smaller real program than the compiler, for {@link RegisterTime}'s JVM of about 2,000 loaded
 * classes (issue 13's size): the JDK's XML stack (DOM, an XSLT identity transform, SAX, XPath) on
 * a document listing the macro workload's source files, each with its size and first line. It checks
 * its own result: the document read back holds one element per file.
 */
final class XmlWorkload {
    private XmlWorkload() {
    }

    /** Runs the XML round trip over {@code sources}; {@return the number of file elements read back} */
    static int run(List<Path> sources) throws Exception {
        Document doc = DocumentBuilderFactory.newInstance().newDocumentBuilder().newDocument();
        Element root = doc.createElement("sources");
        doc.appendChild(root);
        for (Path p : sources) {
            Element f = doc.createElement("file");
            f.setAttribute("name", p.getFileName().toString());
            f.setAttribute("bytes", Long.toString(Files.size(p)));
            List<String> lines = Files.readAllLines(p);
            f.setTextContent(lines.isEmpty() ? "" : lines.get(0));
            root.appendChild(f);
        }
        Transformer t = TransformerFactory.newInstance().newTransformer();
        t.setOutputProperty(OutputKeys.INDENT, "yes");
        StringWriter text = new StringWriter();
        t.transform(new DOMSource(doc), new StreamResult(text));
        int[] saxFiles = {0};
        SAXParserFactory.newInstance().newSAXParser().parse(new InputSource(new StringReader(text.toString())),
                new DefaultHandler() {
                    @Override
                    public void startElement(String uri, String local, String qName, org.xml.sax.Attributes a) {
                        saxFiles[0] += qName.equals("file") ? 1 : 0;
                    }
                });
        Document back = DocumentBuilderFactory.newInstance().newDocumentBuilder()
                .parse(new InputSource(new StringReader(text.toString())));
        double counted = (Double) XPathFactory.newInstance().newXPath().evaluate("count(/sources/file)", back,
                XPathConstants.NUMBER);
        if (saxFiles[0] != sources.size() || (int) counted != sources.size()) {
            throw new IllegalStateException("XML round trip: " + sources.size() + " files written, " + saxFiles[0]
                    + " read by SAX, " + counted + " counted by XPath");
        }
        return saxFiles[0];
    }
}
