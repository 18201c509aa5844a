package io.etcdj.transport.tls;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The DNS look-ups of etcd's peer SAN check ({@code isHostInDNS}): reverse (PTR) for the remote IP,
 * forward for each DNS SAN. Injected so tests need no DNS; {@link #SYSTEM} uses the JDK resolver,
 * which may block, so the SAN check runs only when an IP SAN did not already match.
 */
public interface HostResolver {
  /** Names for an IP literal (PTR); empty when none. */
  List<String> lookupAddr(String ip) throws UnknownHostException;

  /** Addresses (IP literals) for a name. */
  List<String> lookupHost(String name) throws UnknownHostException;

  HostResolver SYSTEM =
      new HostResolver() {
        @Override
        public List<String> lookupAddr(String ip) throws UnknownHostException {
          InetAddress a = InetAddress.getByName(ip);
          String name = a.getCanonicalHostName();
          if (name.equals(a.getHostAddress())) {
            throw new UnknownHostException("lookup " + ip + ": no such host");
          }
          return List.of(name);
        }

        @Override
        public List<String> lookupHost(String name) throws UnknownHostException {
          List<String> out = new ArrayList<>();
          for (InetAddress a : InetAddress.getAllByName(name)) {
            out.add(a.getHostAddress());
          }
          return out;
        }
      };
}
