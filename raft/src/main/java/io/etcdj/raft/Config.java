package io.etcdj.raft;

import java.util.Random;

/**
 * Parameters for starting a raft node (etcd {@code raft.Config}), validated once by {@link
 * Builder#build()} with etcd's messages; raft trusts it afterwards.
 *
 * <p>Immutable. The {@link Random} is owned by the node built from it: give each node its own.
 */
public final class Config {
  final long id;
  final int electionTick;
  final int heartbeatTick;
  final Storage storage;
  final long applied;
  final long maxSizePerMsg;
  final long maxCommittedSizePerReady;
  final long maxUncommittedEntriesSize;
  final int maxInflightMsgs;
  final boolean checkQuorum;
  final boolean preVote;
  final ReadOnlyOption readOnlyOption;
  final Logger logger;
  final boolean disableProposalForwarding;
  final Random random;

  /** Test-only initial voters/learners, instead of the storage's ConfState (etcd's unexported). */
  final long[] peers;

  final long[] learners;

  private Config(Builder b) {
    this.id = b.id;
    this.electionTick = b.electionTick;
    this.heartbeatTick = b.heartbeatTick;
    this.storage = b.storage;
    this.applied = b.applied;
    this.maxSizePerMsg = b.maxSizePerMsg;
    this.maxCommittedSizePerReady =
        b.maxCommittedSizePerReady == 0 ? b.maxSizePerMsg : b.maxCommittedSizePerReady;
    this.maxUncommittedEntriesSize =
        b.maxUncommittedEntriesSize == 0 ? RaftUtil.NO_LIMIT : b.maxUncommittedEntriesSize;
    this.maxInflightMsgs = b.maxInflightMsgs;
    this.checkQuorum = b.checkQuorum;
    this.preVote = b.preVote;
    this.readOnlyOption = b.readOnlyOption;
    this.logger = b.logger == null ? Logger.NOOP : b.logger;
    this.disableProposalForwarding = b.disableProposalForwarding;
    this.random = b.random;
    this.peers = b.peers.clone();
    this.learners = b.learners.clone();
  }

  public static Builder builder() {
    return new Builder();
  }

  public long id() {
    return id;
  }

  public Storage storage() {
    return storage;
  }

  public Logger logger() {
    return logger;
  }

  /** Fluent builder; setters return {@code this}. Not thread-safe. */
  public static final class Builder {
    private long id;
    private int electionTick;
    private int heartbeatTick;
    private Storage storage;
    private long applied;
    private long maxSizePerMsg;
    private long maxCommittedSizePerReady;
    private long maxUncommittedEntriesSize;
    private int maxInflightMsgs;
    private boolean checkQuorum;
    private boolean preVote;
    private ReadOnlyOption readOnlyOption = ReadOnlyOption.ReadOnlySafe;
    private Logger logger;
    private boolean disableProposalForwarding;
    private Random random;
    private long[] peers = new long[0];
    private long[] learners = new long[0];

    private Builder() {}

    /** Test-only: initial voters when the storage has no ConfState. */
    Builder peers(long... peers) {
      this.peers = peers.clone();
      return this;
    }

    /** Test-only: initial learners when the storage has no ConfState. */
    Builder learners(long... learners) {
      this.learners = learners.clone();
      return this;
    }

    /** This node's ID; must not be 0. */
    public Builder id(long id) {
      this.id = id;
      return this;
    }

    /**
     * Ticks a follower waits without hearing from a leader before campaigning; the actual timeout
     * is randomized in {@code [electionTick, 2*electionTick)}. Recommended: 10 x heartbeatTick.
     */
    public Builder electionTick(int electionTick) {
      this.electionTick = electionTick;
      return this;
    }

    /** Ticks between leader heartbeats. */
    public Builder heartbeatTick(int heartbeatTick) {
      this.heartbeatTick = heartbeatTick;
      return this;
    }

    public Builder storage(Storage storage) {
      this.storage = storage;
      return this;
    }

    /** The last applied index, when restarting; raft never returns entries at or below it. */
    public Builder applied(long applied) {
      this.applied = applied;
      return this;
    }

    /** Max bytes of entries per append message; 0 means one entry per message. */
    public Builder maxSizePerMsg(long maxSizePerMsg) {
      this.maxSizePerMsg = maxSizePerMsg;
      return this;
    }

    /** Max bytes of committed entries per Ready; 0 means use maxSizePerMsg. */
    public Builder maxCommittedSizePerReady(long v) {
      this.maxCommittedSizePerReady = v;
      return this;
    }

    /** Max total payload bytes of uncommitted entries on a leader; 0 means no limit. */
    public Builder maxUncommittedEntriesSize(long v) {
      this.maxUncommittedEntriesSize = v;
      return this;
    }

    /** Max in-flight append messages per follower while replicating. */
    public Builder maxInflightMsgs(int maxInflightMsgs) {
      this.maxInflightMsgs = maxInflightMsgs;
      return this;
    }

    /** Leader steps down when it has not heard from a quorum within an election timeout. */
    public Builder checkQuorum(boolean checkQuorum) {
      this.checkQuorum = checkQuorum;
      return this;
    }

    /** Run a pre-vote round before disrupting the cluster with a real election (thesis §9.6). */
    public Builder preVote(boolean preVote) {
      this.preVote = preVote;
      return this;
    }

    public Builder readOnlyOption(ReadOnlyOption readOnlyOption) {
      this.readOnlyOption = readOnlyOption;
      return this;
    }

    public Builder logger(Logger logger) {
      this.logger = logger;
      return this;
    }

    /** Followers drop proposals instead of forwarding them to the leader. */
    public Builder disableProposalForwarding(boolean v) {
      this.disableProposalForwarding = v;
      return this;
    }

    /** Source of election-timeout randomization; required so runs are reproducible. */
    public Builder random(Random random) {
      this.random = random;
      return this;
    }

    /** Validates with etcd's messages ({@code raft.go} {@code validate()}). */
    public Config build() {
      if (id == RaftUtil.NONE) {
        throw new IllegalArgumentException("cannot use none as id");
      }
      if (heartbeatTick <= 0) {
        throw new IllegalArgumentException("heartbeat tick must be greater than 0");
      }
      if (electionTick <= heartbeatTick) {
        throw new IllegalArgumentException("election tick must be greater than heartbeat tick");
      }
      if (storage == null) {
        throw new IllegalArgumentException("storage cannot be nil");
      }
      if (maxInflightMsgs <= 0) {
        throw new IllegalArgumentException("max inflight messages must be greater than 0");
      }
      if (readOnlyOption == ReadOnlyOption.ReadOnlyLeaseBased && !checkQuorum) {
        throw new IllegalArgumentException(
            "CheckQuorum must be enabled when ReadOnlyOption is ReadOnlyLeaseBased");
      }
      if (random == null) {
        throw new IllegalArgumentException("random cannot be nil");
      }
      return new Config(this);
    }
  }
}
