package io.etcdj.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Go's flag package rules (flag.go parseOne), as etcd's command line inherits them. */
class GoFlagSetTest {

  private final List<String> names = new ArrayList<>();
  private final List<Boolean> bools = new ArrayList<>();
  private final GoFlagSet fs = new GoFlagSet();

  GoFlagSetTest() {
    fs.define("name", FlagValues.string(names::add));
    fs.define("debug", FlagValues.bool(bools::add));
  }

  @Test
  void oneAndTwoDashesAreTheSameFlag() throws Exception {
    fs.parse(List.of("-name", "a", "--name", "b", "-name=c", "--name=d"));
    assertThat(names).containsExactly("a", "b", "c", "d");
    assertThat(fs.isSet("name")).isTrue();
    assertThat(fs.isSet("debug")).isFalse();
  }

  @Test
  void theNextArgumentIsTheValueWhateverItLooksLike() throws Exception {
    fs.parse(List.of("--name", "--debug"));
    assertThat(names).containsExactly("--debug");
    assertThat(bools).isEmpty();
  }

  @Test
  void boolTakesAValueOnlyAfterEquals() throws Exception {
    fs.parse(List.of("--debug", "false"));
    assertThat(bools).containsExactly(true);
    assertThat(fs.args()).containsExactly("false");
  }

  @Test
  void boolAcceptsGoParseBoolSpellings() throws Exception {
    fs.parse(List.of("--debug=1", "--debug=F", "--debug=TRUE", "--debug=False"));
    assertThat(bools).containsExactly(true, false, true, false);
  }

  @Test
  void emptyValueAfterEqualsIsAValue() throws Exception {
    fs.parse(List.of("--name="));
    assertThat(names).containsExactly("");
  }

  @Test
  void parsingStopsAtTheFirstNonFlagAndAfterDoubleDash() throws Exception {
    fs.parse(List.of("--name", "a", "x", "--debug"));
    assertThat(fs.args()).containsExactly("x", "--debug");
    GoFlagSet other = new GoFlagSet();
    other.parse(List.of("--", "--debug"));
    assertThat(other.args()).containsExactly("--debug");
    GoFlagSet dash = new GoFlagSet();
    dash.parse(List.of("-"));
    assertThat(dash.args()).containsExactly("-");
  }

  @Test
  void errorsCarryGoTexts() {
    assertThatThrownBy(() -> new GoFlagSetTest().fs.parse(List.of("--no-such")))
        .hasMessage("flag provided but not defined: -no-such");
    assertThatThrownBy(() -> new GoFlagSetTest().fs.parse(List.of("--name")))
        .hasMessage("flag needs an argument: -name");
    assertThatThrownBy(() -> new GoFlagSetTest().fs.parse(List.of("--debug=maybe")))
        .hasMessage("invalid boolean value \"maybe\" for -debug: parse error");
    assertThatThrownBy(() -> new GoFlagSetTest().fs.parse(List.of("---name")))
        .hasMessage("bad flag syntax: ---name");
    assertThatThrownBy(() -> new GoFlagSetTest().fs.parse(List.of("-=x")))
        .hasMessage("bad flag syntax: -=x");
  }

  @Test
  void helpIsRequestedByHOrHelpWhenNotDefined() {
    for (String h : List.of("-h", "--h", "-help", "--help", "--help=x")) {
      assertThatThrownBy(() -> new GoFlagSetTest().fs.parse(List.of(h)))
          .isInstanceOf(GoFlagSet.HelpRequested.class);
    }
  }

  @Test
  void flagsAreVisitedInLexicalOrder() {
    assertThat(fs.names()).containsExactly("debug", "name");
  }
}
