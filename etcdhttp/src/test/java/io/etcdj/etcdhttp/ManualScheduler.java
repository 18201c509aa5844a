package io.etcdj.etcdhttp;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;

/** A scheduler whose tasks run only when the test calls {@link #runAll}. */
final class ManualScheduler {
  private final List<Runnable> tasks = new ArrayList<>();

  final ScheduledExecutorService executor =
      (ScheduledExecutorService)
          Proxy.newProxyInstance(
              getClass().getClassLoader(),
              new Class<?>[] {ScheduledExecutorService.class},
              (p, m, args) -> {
                if (!m.getName().equals("schedule")) {
                  throw new UnsupportedOperationException(m.getName());
                }
                Runnable task = (Runnable) args[0];
                boolean[] cancelled = {false};
                synchronized (tasks) {
                  tasks.add(
                      () -> {
                        if (!cancelled[0]) {
                          task.run();
                        }
                      });
                }
                return Proxy.newProxyInstance(
                    getClass().getClassLoader(),
                    new Class<?>[] {ScheduledFuture.class},
                    (fp, fm, fargs) -> {
                      if (fm.getName().equals("cancel")) {
                        cancelled[0] = true;
                        return true;
                      }
                      throw new UnsupportedOperationException(fm.getName());
                    });
              });

  /** Runs every scheduled task, as if their delays had all passed. */
  void runAll() {
    List<Runnable> due;
    synchronized (tasks) {
      due = new ArrayList<>(tasks);
      tasks.clear();
    }
    due.forEach(Runnable::run);
  }
}
