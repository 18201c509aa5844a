package io.etcdj.transport.tls;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** Sends raw bytes to a port and returns what comes back before the server closes. */
final class ListenerProbe {
  private ListenerProbe() {}

  static String raw(int port, String probe) throws Exception {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(5000);
      s.getOutputStream().write(probe.getBytes(StandardCharsets.US_ASCII));
      s.getOutputStream().flush();
      String got = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      // Go's 400 for a bad request line carries no Date; a Date header would differ by time.
      return got.replaceAll("Date: [^\\r]*\\r\\n", "");
    } catch (SocketTimeoutException e) {
      return "(no answer, not closed)";
    }
  }
}
