package dev.wos.compat;

import com.workos.WorkOS;
import java.time.Duration;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The running stack and the fixtures test/e2e/java-sdk.spec.ts prepared for this suite, read from
 * the environment (WOS_*). Every client is built as a new user would build one: the builder, a
 * base URL, an API key and a client ID, default retries included.
 */
final class Stack {
  private Stack() {}

  static final String BASE_URL = env("WOS_BASE_URL");
  static final String API_KEY = env("WOS_API_KEY");
  static final String CLIENT_ID = env("WOS_CLIENT_ID");
  static final String REDIRECT_URI = env("WOS_REDIRECT_URI");
  /** The API key of a second environment, for isolation checks. */
  static final String OTHER_API_KEY = env("WOS_OTHER_API_KEY");

  static WorkOS client() {
    return client(API_KEY);
  }

  static WorkOS client(String apiKey) {
    return WorkOS.builder().apiKey(apiKey).clientId(CLIENT_ID).apiBaseUrl(BASE_URL).build();
  }

  static String env(String name) {
    String value = System.getenv(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalStateException(name + " is not set: run this suite through test/e2e/java-sdk.spec.ts, which starts the stack");
    }
    return value;
  }

  /** A name no other test (or earlier run against the same stack) uses. */
  static String unique(String label) {
    return label + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Polls until `probe` returns non-null; the timeout turns a hang into a clear failure. */
  static <T> T waitFor(String what, Duration timeout, Supplier<T> probe) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    RuntimeException last = null;
    while (true) {
      try {
        T value = probe.get();
        if (value != null) return value;
      } catch (RuntimeException e) {
        last = e;
      }
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what + (last == null ? "" : " (last error: " + last + ")"), last);
      }
      Thread.sleep(250);
    }
  }
}
