package io.etcdj.embed;

import io.etcdj.transport.Listener;
import java.net.URI;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The URLs a member advertises, with ephemeral ports resolved. etcd requires fixed ports; for
 * embedding and tests we accept port 0 in a listen URL and, where an advertise URL (or this
 * member's {@code --initial-cluster} entry) is the same URL, advertise the port actually bound, so
 * the member ID and the published client URLs are real addresses.
 *
 * @param peerUrls {@code --initial-advertise-peer-urls}, resolved
 * @param clientUrls {@code --advertise-client-urls}, resolved
 * @param initialCluster {@code --initial-cluster}, this member's entries resolved
 */
record Advertised(List<URI> peerUrls, List<URI> clientUrls, String initialCluster) {

  static Advertised resolve(Config cfg, List<Listener> peers, List<Listener> clients) {
    Map<URI, URI> bound = new HashMap<>();
    for (Listener l : peers) {
      bound.put(l.url(), Listeners.boundUrl(l));
    }
    List<URI> peerUrls =
        cfg.advertisePeerUrls().stream().map(u -> bound.getOrDefault(u, u)).toList();
    String initialCluster = cfg.initialCluster();
    if (!bound.isEmpty()) {
      List<String> parts = new ArrayList<>();
      for (String part : initialCluster.split(",", -1)) {
        int eq = part.indexOf('=');
        if (eq > 0 && part.substring(0, eq).equals(cfg.name())) {
          URI u = URI.create(part.substring(eq + 1));
          part = cfg.name() + "=" + bound.getOrDefault(u, u);
        }
        parts.add(part);
      }
      initialCluster = String.join(",", parts);
    }
    Map<URI, URI> boundClients = new HashMap<>();
    for (Listener l : clients) {
      boundClients.put(l.url(), Listeners.boundUrl(l));
    }
    List<URI> clientUrls =
        cfg.advertiseClientUrls().stream().map(u -> boundClients.getOrDefault(u, u)).toList();
    return new Advertised(peerUrls, clientUrls, initialCluster);
  }
}
