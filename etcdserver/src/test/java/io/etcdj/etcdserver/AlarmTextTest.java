package io.etcdj.etcdserver;

import static org.assertj.core.api.Assertions.assertThat;

import io.etcdj.proto.etcdserverpb.AlarmMember;
import io.etcdj.proto.etcdserverpb.AlarmRequest;
import io.etcdj.proto.etcdserverpb.AlarmType;
import org.junit.jupiter.api.Test;

/** Alarms printed as etcd's gogo {@code String()} (seen in etcd 3.4.23's Status errors). */
class AlarmTextTest {
  @Test
  void anAlarmMemberPrintsAsGoCompactTextWithTheTrailingSpace() {
    AlarmMember m =
        AlarmMember.newBuilder()
            .setMemberID(Long.parseUnsignedLong("9427961061916744586"))
            .setAlarm(AlarmType.NOSPACE)
            .build();
    assertThat(AlarmText.of(m)).isEqualTo("memberID:9427961061916744586 alarm:NOSPACE ");
  }

  @Test
  void zeroFieldsAreLeftOutAndUnknownTypesPrintTheirNumber() {
    assertThat(AlarmText.of(AlarmMember.getDefaultInstance())).isEmpty();
    assertThat(AlarmText.of(AlarmMember.newBuilder().setAlarmValue(7).build()))
        .isEqualTo("alarm:7 ");
    assertThat(
            AlarmText.of(
                AlarmRequest.newBuilder()
                    .setAction(AlarmRequest.AlarmAction.DEACTIVATE)
                    .setMemberID(-1)
                    .setAlarm(AlarmType.CORRUPT)
                    .build()))
        .isEqualTo("action:DEACTIVATE memberID:18446744073709551615 alarm:CORRUPT ");
  }
}
