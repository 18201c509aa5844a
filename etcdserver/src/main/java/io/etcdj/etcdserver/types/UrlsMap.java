package io.etcdj.etcdserver.types;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code pkg/types/urlsmap.go}: member name to peer URLs, as given by {@code --initial-cluster}
 * ({@code n1=http://a:2380,n1=http://b:2380,n2=http://c:2380}).
 *
 * <p>Immutable; safe from any thread. Names iterate in sorted order (Go's map order is random; no
 * etcd behaviour depends on it beyond log and error wording).
 */
public record UrlsMap(Map<String, Urls> byName) {

  public UrlsMap {
    byName = Collections.unmodifiableMap(new TreeMap<>(byName));
  }

  /**
   * {@code types.NewURLsMap}: splits on ",", each item at its first "=", groups URLs by name (an
   * item without "=" is a name with an empty URL, which then fails URL validation), and validates
   * each group with {@link Urls#parse}.
   *
   * @throws IllegalArgumentException with etcd's text when a URL is invalid
   */
  public static UrlsMap parse(String s) {
    Map<String, List<String>> m = new LinkedHashMap<>();
    for (String item : s.split(",", -1)) {
      if (item.isEmpty()) {
        continue;
      }
      String key = item;
      String value = "";
      int eq = item.indexOf('=');
      if (eq >= 0) {
        key = item.substring(0, eq);
        value = item.substring(eq + 1);
      }
      m.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
    }
    Map<String, Urls> out = new TreeMap<>();
    for (Map.Entry<String, List<String>> e : m.entrySet()) {
      out.put(e.getKey(), Urls.parse(e.getValue()));
    }
    return new UrlsMap(out);
  }

  /** The URLs of {@code name}, or null when the name is not in the map. */
  public Urls get(String name) {
    return byName.get(name);
  }

  /** {@code URLsMap.String()}: every {@code name=url} pair, sorted, joined by ",". */
  @Override
  public String toString() {
    List<String> pairs = new ArrayList<>();
    for (Map.Entry<String, Urls> e : byName.entrySet()) {
      for (String u : e.getValue().strings()) {
        pairs.add(e.getKey() + "=" + u);
      }
    }
    Collections.sort(pairs);
    return String.join(",", pairs);
  }

  /** {@code URLsMap.URLs()}: all URL strings, sorted. */
  public List<String> allUrls() {
    List<String> urls = new ArrayList<>();
    for (Urls us : byName.values()) {
      urls.addAll(us.strings());
    }
    Collections.sort(urls);
    return urls;
  }
}
