package io.etcdj.etcdserver;

import io.etcdj.proto.etcdserverpb.AlarmMember;
import io.etcdj.proto.etcdserverpb.AlarmRequest;
import io.etcdj.proto.etcdserverpb.AlarmType;

/**
 * Alarms as etcd prints them: gogo's {@code String()}, Go protobuf's compact text format, which
 * writes each non-zero field as {@code name:value} followed by one space ({@code memberID:1
 * alarm:NOSPACE }, trailing space included). Status's {@code errors}, the {@code /health} log line
 * and etcd's alarm log lines carry this text.
 *
 * <p>Stateless.
 */
public final class AlarmText {
  private AlarmText() {}

  /** {@code AlarmMember.String()}. */
  public static String of(AlarmMember m) {
    StringBuilder b = new StringBuilder();
    if (m.getMemberID() != 0) {
      b.append("memberID:").append(Long.toUnsignedString(m.getMemberID())).append(' ');
    }
    if (m.getAlarmValue() != 0) {
      b.append("alarm:").append(typeName(m.getAlarmValue())).append(' ');
    }
    return b.toString();
  }

  /** {@code AlarmRequest.String()}. */
  public static String of(AlarmRequest r) {
    StringBuilder b = new StringBuilder();
    if (r.getActionValue() != 0) {
      AlarmRequest.AlarmAction a = AlarmRequest.AlarmAction.forNumber(r.getActionValue());
      b.append("action:")
          .append(a == null ? Integer.toString(r.getActionValue()) : a.name())
          .append(' ');
    }
    if (r.getMemberID() != 0) {
      b.append("memberID:").append(Long.toUnsignedString(r.getMemberID())).append(' ');
    }
    if (r.getAlarmValue() != 0) {
      b.append("alarm:").append(typeName(r.getAlarmValue())).append(' ');
    }
    return b.toString();
  }

  /** {@code AlarmType.String()}: the name, or the number for a type this build does not know. */
  public static String typeName(int type) {
    AlarmType t = AlarmType.forNumber(type);
    return t == null ? Integer.toString(type) : t.name();
  }
}
