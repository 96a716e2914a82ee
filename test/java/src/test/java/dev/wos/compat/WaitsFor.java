package dev.wos.compat;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Marks a test that needs a fix being made on another branch (issue 21's numbered items). A
 * failure of such a test is reported with the item in front, so the reader knows it is expected
 * until that branch is merged; once it is, the test must pass like any other.
 */
@Retention(RetentionPolicy.RUNTIME)
@Target({ElementType.METHOD, ElementType.TYPE})
@ExtendWith(WaitsForExtension.class)
@interface WaitsFor {
  /** e.g. "issue 21 item 3 (task A): nested user in memberships". */
  String value();
}
