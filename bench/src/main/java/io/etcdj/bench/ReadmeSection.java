package io.etcdj.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Puts the generated section into a Markdown file: replaces the text between the markers, or
 * appends the section when the file has none; everything outside the markers is kept.
 */
final class ReadmeSection {
  private ReadmeSection() {}

  static void write(Path file, String section) throws IOException {
    String old = Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    Files.writeString(file, replace(old, section), StandardCharsets.UTF_8);
  }

  /**
   * {@code section} starts with {@link Report#BEGIN} and ends with {@link Report#END} and a
   * newline.
   */
  static String replace(String text, String section) {
    int begin = text.indexOf(Report.BEGIN);
    int end = text.indexOf(Report.END);
    if (begin >= 0 && end > begin) {
      int after = end + Report.END.length();
      if (after < text.length() && text.charAt(after) == '\n') {
        after++;
      }
      return text.substring(0, begin) + section + text.substring(after);
    }
    if (text.isEmpty()) {
      return section;
    }
    return text + (text.endsWith("\n") ? "\n" : "\n\n") + section;
  }
}
