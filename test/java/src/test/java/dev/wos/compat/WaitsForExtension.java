package dev.wos.compat;

import java.lang.reflect.AnnotatedElement;
import java.util.Optional;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;

/** Prefixes the failure of a {@link WaitsFor} test with the item it waits for. */
final class WaitsForExtension implements TestExecutionExceptionHandler {
  @Override
  public void handleTestExecutionException(ExtensionContext context, Throwable thrown) throws Throwable {
    Optional<WaitsFor> mark = find(context.getTestMethod().map(m -> (AnnotatedElement) m))
        .or(() -> find(context.getTestClass().map(c -> (AnnotatedElement) c)));
    if (mark.isEmpty()) throw thrown;
    throw new AssertionError("[waits for " + mark.get().value() + "] " + thrown, thrown);
  }

  private static Optional<WaitsFor> find(Optional<AnnotatedElement> element) {
    return element.map(e -> e.getAnnotation(WaitsFor.class));
  }
}
