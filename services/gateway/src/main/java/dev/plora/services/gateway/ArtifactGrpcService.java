package dev.plora.services.gateway;

import com.google.protobuf.ByteString;
import dev.plora.jobs.ArtifactStore;
import dev.plora.jobs.InvalidSpecException;
import dev.plora.proto.v1.ArtifactInfo;
import dev.plora.proto.v1.ArtifactServiceGrpc;
import dev.plora.proto.v1.DownloadChunk;
import dev.plora.proto.v1.DownloadRequest;
import dev.plora.proto.v1.ListArtifactsRequest;
import dev.plora.proto.v1.ListArtifactsResponse;
import dev.plora.proto.v1.UploadChunk;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.smallrye.common.annotation.Blocking;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.stream.Stream;

/**
 * {@code plora.v1.ArtifactService}: files in and out of the artifact store. An upload becomes
 * visible only when its stream completes (written to a temporary file, then renamed), so a broken
 * upload leaves nothing half-written. The {@code jobs/} tree belongs to the mesh and cannot be
 * uploaded into.
 */
@GrpcService
public class ArtifactGrpcService extends ArtifactServiceGrpc.ArtifactServiceImplBase {
  private static final int CHUNK = 64 * 1024;

  @Inject ArtifactStore store;

  @Override
  @Blocking
  public StreamObserver<UploadChunk> upload(StreamObserver<ArtifactInfo> response) {
    return new StreamObserver<>() {
      Path target;
      Path tmp;
      OutputStream out;
      MessageDigest sha;
      long bytes;
      boolean failed;

      @Override
      public void onNext(UploadChunk chunk) {
        if (failed) {
          return;
        }
        try {
          if (target == null) {
            String path = chunk.getPath();
            if (path.startsWith("jobs/") || path.equals("jobs")) {
              throw new InvalidSpecException(
                  "path", "'" + path + "' is inside jobs/, which only the mesh writes");
            }
            target = store.relative(path, "path");
            Files.createDirectories(target.getParent());
            tmp = Files.createTempFile(target.getParent(), ".upload-", ".part");
            out = Files.newOutputStream(tmp);
            sha = MessageDigest.getInstance("SHA-256");
          }
          chunk.getData().writeTo(out);
          sha.update(chunk.getData().asReadOnlyByteBuffer());
          bytes += chunk.getData().size();
        } catch (InvalidSpecException e) {
          fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        } catch (IOException | NoSuchAlgorithmException e) {
          fail(Status.INTERNAL.withDescription("cannot write " + target + ": " + e.getMessage()));
        }
      }

      @Override
      public void onError(Throwable t) {
        cleanUp();
      }

      @Override
      public void onCompleted() {
        if (failed) {
          return;
        }
        if (target == null) {
          response.onError(
              Status.INVALID_ARGUMENT
                  .withDescription("empty upload: the first chunk must carry the path")
                  .asRuntimeException());
          return;
        }
        try {
          out.close();
          Files.move(
              tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
          response.onNext(
              ArtifactInfo.newBuilder()
                  .setPath(store.uriOf(target))
                  .setBytes(bytes)
                  .setSha256(HexFormat.of().formatHex(sha.digest()))
                  .build());
          response.onCompleted();
        } catch (IOException e) {
          cleanUp();
          response.onError(
              Status.INTERNAL
                  .withDescription("cannot store " + target + ": " + e.getMessage())
                  .asRuntimeException());
        }
      }

      private void fail(Status status) {
        failed = true;
        cleanUp();
        response.onError(status.asRuntimeException());
      }

      private void cleanUp() {
        try {
          if (out != null) {
            out.close();
          }
          if (tmp != null) {
            Files.deleteIfExists(tmp);
          }
        } catch (IOException ignored) {
          // best effort: a leftover .part file is hidden and harmless
        }
      }
    };
  }

  @Override
  @Blocking
  public void download(DownloadRequest request, StreamObserver<DownloadChunk> response) {
    Path p;
    try {
      p = store.relative(request.getPath(), "path");
    } catch (InvalidSpecException e) {
      response.onError(
          Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    if (!Files.isRegularFile(p)) {
      response.onError(
          Status.NOT_FOUND
              .withDescription("no file '" + request.getPath() + "' in the artifact store")
              .asRuntimeException());
      return;
    }
    try (InputStream in = Files.newInputStream(p)) {
      byte[] buf = new byte[CHUNK];
      int n;
      while ((n = in.read(buf)) > 0) {
        response.onNext(DownloadChunk.newBuilder().setData(ByteString.copyFrom(buf, 0, n)).build());
      }
      response.onCompleted();
    } catch (IOException e) {
      response.onError(
          Status.INTERNAL
              .withDescription("cannot read " + p + ": " + e.getMessage())
              .asRuntimeException());
    }
  }

  @Override
  @Blocking
  public void list(ListArtifactsRequest request, StreamObserver<ListArtifactsResponse> response) {
    Path dir;
    try {
      dir =
          request.getPrefix().isEmpty()
              ? store.root()
              : store.relative(request.getPrefix(), "prefix");
    } catch (InvalidSpecException e) {
      response.onError(
          Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
      return;
    }
    ListArtifactsResponse.Builder b = ListArtifactsResponse.newBuilder();
    if (Files.isDirectory(dir)) {
      try (Stream<Path> files = Files.walk(dir)) {
        files
            .filter(Files::isRegularFile)
            .filter(f -> !f.getFileName().toString().startsWith("."))
            .sorted()
            .forEach(
                f -> {
                  try {
                    b.addArtifacts(
                        ArtifactInfo.newBuilder().setPath(store.uriOf(f)).setBytes(Files.size(f)));
                  } catch (IOException ignored) {
                    // deleted while listing
                  }
                });
      } catch (IOException e) {
        response.onError(
            Status.INTERNAL
                .withDescription("cannot list " + dir + ": " + e.getMessage())
                .asRuntimeException());
        return;
      }
    }
    response.onNext(b.build());
    response.onCompleted();
  }
}
