package io.etcdj.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A closed-loop workload of unary (or one-message stream) requests: {@code clients} clients over
 * {@code conns} connections, as etcd's benchmark {@code --clients} and {@code --conns}.
 */
final class RequestWorkload implements Workload {
  /** Work done once on the connections before any client starts (e.g. writing the read key). */
  interface Setup {
    void prepare(Connections connections);
  }

  /** Makes client {@code index}'s request loop; may do blocking setup of its own (a lease). */
  interface ClientFactory {
    ClosedLoop.Call client(Connections connections, int index);
  }

  private final String id;
  private final String title;
  private final int clients;
  private final int conns;
  private final Setup setup;
  private final ClientFactory factory;

  RequestWorkload(
      String id, String title, int clients, int conns, Setup setup, ClientFactory factory) {
    this.id = id;
    this.title = title;
    this.clients = clients;
    this.conns = conns;
    this.setup = setup;
    this.factory = factory;
  }

  @Override
  public String id() {
    return id;
  }

  @Override
  public String title() {
    return title;
  }

  @Override
  public LoadResult run(ServerProcess server, Window window, Context context)
      throws IOException, InterruptedException {
    try (Connections connections =
        new Connections(context.group(), server.clientAddress(), conns)) {
      setup.prepare(connections);
      List<ClosedLoop.Call> calls = new ArrayList<>(clients);
      for (int i = 0; i < clients; i++) {
        calls.add(factory.client(connections, i));
      }
      return ClosedLoop.run(calls, window, server.stats(), context.retry());
    }
  }
}
