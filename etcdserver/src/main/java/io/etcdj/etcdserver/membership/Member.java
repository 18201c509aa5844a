package io.etcdj.etcdserver.membership;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

import io.etcdj.etcdserver.types.Urls;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A cluster member ({@code membership.Member}): its ID, raft attributes (peer URLs, learner flag)
 * and published attributes (name, client URLs). JSON forms are in {@link MemberJson}.
 *
 * <p>Immutable; safe from any thread.
 */
public record Member(
    long id, String name, List<String> peerUrls, List<String> clientUrls, boolean isLearner) {

  public Member {
    requireNonNull(name, "name");
    peerUrls = List.copyOf(peerUrls);
    clientUrls = List.copyOf(clientUrls);
  }

  /**
   * {@code NewMember(name, peerURLs, token, nil)}: a bootstrap member, ID from its peer URLs and
   * the cluster token only (§3.1).
   */
  public static Member bootstrap(String name, Urls peerUrls, String clusterToken) {
    List<String> urls = peerUrls.strings();
    return new Member(computeId(urls, clusterToken, null), name, urls, List.of(), false);
  }

  /**
   * {@code NewMember}/{@code NewMemberAsLearner} with a time: a member added at runtime ({@code
   * MemberAdd}: name and token are empty, {@code unixSeconds} is the server's clock).
   */
  public static Member added(
      String name, Urls peerUrls, String clusterToken, long unixSeconds, boolean isLearner) {
    List<String> urls = peerUrls.strings();
    return new Member(computeId(urls, clusterToken, unixSeconds), name, urls, List.of(), isLearner);
  }

  /**
   * The member ID etcd derives: the first 8 bytes (big-endian) of SHA-1 over the peer URL strings
   * sorted and concatenated, then the token, then the decimal Unix seconds when given.
   */
  public static long computeId(List<String> peerUrls, String clusterToken, Long unixSeconds) {
    List<String> sorted = new ArrayList<>(peerUrls);
    Collections.sort(sorted);
    StringBuilder b = new StringBuilder();
    sorted.forEach(b::append);
    b.append(clusterToken);
    if (unixSeconds != null) {
      b.append(unixSeconds.longValue());
    }
    return sha1Prefix(b.toString().getBytes(UTF_8));
  }

  /** The first 8 bytes of SHA-1 of {@code data}, big-endian (etcd's IDs; not a security use). */
  static long sha1Prefix(byte[] data) {
    try {
      byte[] hash = MessageDigest.getInstance("SHA-1").digest(data);
      return ByteBuffer.wrap(hash, 0, 8).getLong();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-1", e);
    }
  }

  /** {@code IsStarted}: the member has published its name. */
  public boolean isStarted() {
    return !name.isEmpty();
  }

  public RaftAttributes raftAttributes() {
    return new RaftAttributes(peerUrls, isLearner);
  }

  public Attributes attributes() {
    return new Attributes(name, clientUrls);
  }

  public Member withRaftAttributes(RaftAttributes ra) {
    return new Member(id, name, ra.peerUrls(), clientUrls, ra.isLearner());
  }

  public Member withAttributes(Attributes a) {
    return new Member(id, a.name(), peerUrls, a.clientUrls(), isLearner);
  }

  /** {@code RaftAttributes}: what raft needs; stored at {@code /0/members/<id>/raftAttributes}. */
  public record RaftAttributes(List<String> peerUrls, boolean isLearner) {
    public RaftAttributes {
      peerUrls = List.copyOf(peerUrls);
    }
  }

  /** {@code Attributes}: what a member publishes; stored at {@code /0/members/<id>/attributes}. */
  public record Attributes(String name, List<String> clientUrls) {
    public Attributes {
      requireNonNull(name, "name");
      clientUrls = List.copyOf(clientUrls);
    }
  }
}
