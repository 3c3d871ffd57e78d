package dev.plora.services.support;

import dev.plora.jobs.ArtifactStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import java.nio.file.Path;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/** The artifact store, from {@code plora.store.root} and {@code plora.store.allow-file-uris}. */
@ApplicationScoped
public class StoreProducer {
  @Produces
  @ApplicationScoped
  ArtifactStore store(
      @ConfigProperty(name = "plora.store.root") String root,
      @ConfigProperty(name = "plora.store.allow-file-uris", defaultValue = "false")
          boolean allowFileUris) {
    return new ArtifactStore(Path.of(root), allowFileUris);
  }
}
