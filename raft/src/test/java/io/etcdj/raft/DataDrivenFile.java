package io.etcdj.raft;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A parsed test file in cockroachdb's datadriven format, as etcd's raft testdata uses it: blocks of
 * a command line ({@code cmd arg key=val key=(a,b)}), optional input lines, a {@code ----}
 * separator and the expected output up to the next blank line. Lines starting with {@code #} are
 * comments between blocks. Only what etcd v3.4.23's traces use is supported (no {@code ----} {@code
 * ----} blocks with blank lines inside). Immutable once parsed.
 */
record DataDrivenFile(List<Block> blocks) {

  /** One argument: {@code key} alone, or {@code key=v} / {@code key=(v1,v2)}. */
  record Arg(String key, List<String> vals) {}

  /**
   * One command with its expected output.
   *
   * @param line 1-based line of the command, for failure messages
   */
  record Block(int line, String cmd, List<Arg> args, String input, String expected) {}

  static DataDrivenFile parse(String text) {
    List<String> lines = Arrays.asList(text.split("\n", -1));
    List<Block> blocks = new ArrayList<>();
    int i = 0;
    while (i < lines.size()) {
      String l = lines.get(i);
      if (l.isBlank() || l.startsWith("#")) {
        i++;
        continue;
      }
      int cmdLine = i + 1;
      String[] words = l.trim().split("\\s+");
      List<Arg> args = new ArrayList<>();
      for (int w = 1; w < words.length; w++) {
        args.add(parseArg(words[w]));
      }
      i++;
      StringBuilder input = new StringBuilder();
      while (i < lines.size() && !lines.get(i).equals("----")) {
        if (input.length() > 0) {
          input.append('\n');
        }
        input.append(lines.get(i));
        i++;
      }
      if (i == lines.size()) {
        throw new IllegalArgumentException("line " + cmdLine + ": no ---- after the command");
      }
      i++;
      StringBuilder expected = new StringBuilder();
      while (i < lines.size() && !lines.get(i).isEmpty()) {
        expected.append(lines.get(i)).append('\n');
        i++;
      }
      blocks.add(new Block(cmdLine, words[0], args, input.toString(), expected.toString()));
    }
    return new DataDrivenFile(List.copyOf(blocks));
  }

  private static Arg parseArg(String word) {
    int eq = word.indexOf('=');
    if (eq < 0) {
      return new Arg(word, List.of());
    }
    String key = word.substring(0, eq);
    String val = word.substring(eq + 1);
    if (val.startsWith("(") && val.endsWith(")")) {
      String inner = val.substring(1, val.length() - 1);
      return new Arg(key, inner.isEmpty() ? List.of() : List.of(inner.split("[, ]+")));
    }
    return new Arg(key, List.of(val));
  }
}
