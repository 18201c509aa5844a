package io.etcdj.etcdserver.membership;

import io.etcdj.etcdserver.types.GoUrl;
import io.etcdj.etcdserver.types.Urls;
import io.etcdj.etcdserver.types.UrlsMap;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The checks etcd makes before bootstrapping or joining ({@code etcdserver/config.go
 * VerifyBootstrap}, {@code VerifyJoinExisting}), with etcd's messages.
 *
 * <p>Stateless apart from the injected resolver; call from the startup thread (resolution may block
 * on DNS).
 */
public final class BootstrapCheck {
  /** Resolves {@code host:port} to {@code ip:port} ({@code net.ResolveTCPAddr(...).String()}). */
  @FunctionalInterface
  public interface HostResolver {
    String resolve(String host, String port) throws IOException;
  }

  /** The JDK resolver: the first address of the host. */
  public static final HostResolver JDK_RESOLVER =
      (host, port) -> {
        InetAddress a = InetAddress.getByName(host);
        return new InetSocketAddress(a, Integer.parseInt(port)).getAddress()
                instanceof java.net.Inet6Address
            ? "[" + a.getHostAddress() + "]:" + port
            : a.getHostAddress() + ":" + port;
      };

  private final HostResolver resolver;

  public BootstrapCheck(HostResolver resolver) {
    this.resolver = resolver;
  }

  /**
   * {@code VerifyBootstrap} for {@code --initial-cluster-state new}.
   *
   * @param name {@code --name}
   * @param initialCluster {@code --initial-cluster}
   * @param advertisePeerUrls {@code --initial-advertise-peer-urls}
   * @param discoveryUrl {@code --discovery}, or ""
   */
  public void verifyBootstrap(
      String name, UrlsMap initialCluster, Urls advertisePeerUrls, String discoveryUrl)
      throws BootstrapException {
    hasLocalMember(name, initialCluster);
    advertiseMatchesCluster(name, initialCluster, advertisePeerUrls);
    if (hasDuplicateUrl(initialCluster)) {
      throw new BootstrapException("initial cluster " + initialCluster + " has duplicate url");
    }
    if (initialCluster.toString().isEmpty() && discoveryUrl.isEmpty()) {
      throw new BootstrapException("initial cluster unset and no discovery URL found");
    }
  }

  /** {@code VerifyJoinExisting} for {@code --initial-cluster-state existing}. */
  public void verifyJoinExisting(String name, UrlsMap initialCluster, String discoveryUrl)
      throws BootstrapException {
    hasLocalMember(name, initialCluster);
    if (hasDuplicateUrl(initialCluster)) {
      throw new BootstrapException("initial cluster " + initialCluster + " has duplicate url");
    }
    if (!discoveryUrl.isEmpty()) {
      throw new BootstrapException(
          "discovery URL should not be set when joining existing initial cluster");
    }
  }

  private static void hasLocalMember(String name, UrlsMap initialCluster)
      throws BootstrapException {
    if (initialCluster.get(name) == null) {
      throw new BootstrapException(
          "couldn't find local name " + goQuote(name) + " in the initial cluster configuration");
    }
  }

  private void advertiseMatchesCluster(String name, UrlsMap initialCluster, Urls advertise)
      throws BootstrapException {
    List<String> urls = initialCluster.get(name).strings();
    List<String> apurls = new ArrayList<>(advertise.strings());
    apurls.sort(null);
    String err = urlStringsEqual(apurls, urls);
    if (err == null) {
      return;
    }
    Set<String> initSet = new TreeSet<>(urls);
    Set<String> apSet = new TreeSet<>(apurls);
    List<String> missing = new ArrayList<>();
    for (String u : initSet) {
      if (!apSet.contains(u)) {
        missing.add(name + "=" + u);
      }
    }
    if (!missing.isEmpty()) {
      throw new BootstrapException(
          "--initial-cluster has "
              + String.join(",", missing)
              + " but missing from --initial-advertise-peer-urls="
              + String.join(",", apurls)
              + " ("
              + err
              + ")");
    }
    for (String u : apSet) {
      if (!initSet.contains(u)) {
        missing.add(u);
      }
    }
    UrlsMap self = new UrlsMap(Map.of(name, advertise));
    if (!missing.isEmpty()) {
      throw new BootstrapException(
          "--initial-advertise-peer-urls has "
              + String.join(",", missing)
              + " but missing from --initial-cluster="
              + self);
    }
    throw new BootstrapException(
        "failed to resolve "
            + String.join(",", apurls)
            + " to match --initial-cluster="
            + self
            + " ("
            + err
            + ")");
  }

  /**
   * {@code netutil.URLStringsEqual}: null when the two URL lists are equal as strings or after
   * resolving host names, else Go's error text. Unlike etcd this resolves once, without its 30 s
   * retry loop.
   */
  String urlStringsEqual(List<String> a, List<String> b) {
    if (a.size() != b.size()) {
      return "len(" + goQuoteList(a) + ") != len(" + goQuoteList(b) + ")";
    }
    List<String> sa = new ArrayList<>(a);
    List<String> sb = new ArrayList<>(b);
    sa.sort(null);
    sb.sort(null);
    if (sa.equals(sb)) {
      return null;
    }
    List<String> ra = new ArrayList<>();
    List<String> rb = new ArrayList<>();
    try {
      for (String s : sa) {
        ra.add(resolveUrl(s));
      }
      for (String s : sb) {
        rb.add(resolveUrl(s));
      }
    } catch (ResolveException e) {
      return e.getMessage();
    }
    ra.sort(null);
    rb.sort(null);
    for (int i = 0; i < ra.size(); i++) {
      if (!ra.get(i).equals(rb.get(i))) {
        return "resolved urls: " + goQuote(ra.get(i)) + " != " + goQuote(rb.get(i));
      }
    }
    return null;
  }

  private String resolveUrl(String s) throws ResolveException {
    GoUrl u = GoUrl.parse(s);
    if (u.scheme().equals("unix") || u.scheme().equals("unixs")) {
      return u.toString();
    }
    String hostport = u.host();
    String why = Urls.splitHostPortError(hostport);
    if (why != null) {
      throw new ResolveException(
          "failed to resolve " + goQuote(s) + " (address " + hostport + ": " + why + ")");
    }
    int colon = hostport.lastIndexOf(':');
    String host = hostport.substring(0, colon);
    if (host.startsWith("[")) {
      host = host.substring(1, host.length() - 1);
    }
    String port = hostport.substring(colon + 1);
    if (host.equals("localhost") || isIpLiteral(host)) {
      return u.toString();
    }
    try {
      String resolved = resolver.resolve(host, port);
      return new GoUrl(
              u.scheme(), u.opaque(), u.user(), resolved, u.path(), u.rawQuery(), u.fragment())
          .toString();
    } catch (IOException | RuntimeException e) {
      throw new ResolveException("failed to resolve " + goQuote(s) + " (" + e.getMessage() + ")");
    }
  }

  private static boolean isIpLiteral(String host) {
    return host.matches("[0-9]{1,3}(\\.[0-9]{1,3}){3}") || host.contains(":");
  }

  private static boolean hasDuplicateUrl(UrlsMap m) {
    Set<String> seen = new HashSet<>();
    for (Urls us : m.byName().values()) {
      for (String u : us.strings()) {
        if (!seen.add(u)) {
          return true;
        }
      }
    }
    return false;
  }

  /** Go's {@code %q} for the plain strings etcd quotes. */
  static String goQuote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  private static String goQuoteList(List<String> l) {
    List<String> q = new ArrayList<>(l.size());
    l.forEach(s -> q.add(goQuote(s)));
    return "[" + String.join(" ", q) + "]";
  }

  private static final class ResolveException extends Exception {
    private static final long serialVersionUID = 1L;

    ResolveException(String msg) {
      super(msg, null, false, false);
    }
  }
}
