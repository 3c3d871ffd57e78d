package dev.plora.services.gateway;

import com.google.protobuf.ByteString;
import dev.plora.jobs.AccessDeniedException;
import dev.plora.jobs.ArtifactStore;
import dev.plora.jobs.Caller;
import dev.plora.jobs.ExportDigests;
import dev.plora.jobs.InvalidSpecException;
import dev.plora.jobs.Pages;
import dev.plora.jobs.StoreAccess;
import dev.plora.proto.v1.ArtifactInfo;
import dev.plora.proto.v1.ArtifactServiceGrpc;
import dev.plora.proto.v1.DownloadChunk;
import dev.plora.proto.v1.DownloadRequest;
import dev.plora.proto.v1.ListArtifactsRequest;
import dev.plora.proto.v1.ListArtifactsResponse;
import dev.plora.proto.v1.UploadChunk;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import io.quarkus.grpc.GrpcService;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import jakarta.annotation.security.RolesAllowed;
import jakarta.inject.Inject;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * {@code plora.v1.ArtifactService}: files in and out of the artifact store, for callers with a
 * verified token. Uploads land in the caller's own area, {@code uploads/<subject>/} ({@link
 * StoreAccess}: a path outside it is put inside it; another subject's area, {@code jobs/} and, for
 * non-admins, {@code models/} are refused). An upload is write-once: it becomes visible only when
 * its stream completes (a temporary file linked into place, so a broken upload leaves nothing
 * half-written), never replaces an existing file (a job may be reading it; the same bytes again are
 * accepted, other bytes are ALREADY_EXISTS), and may not exceed {@code
 * plora.artifacts.max-upload-bytes} (RESOURCE_EXHAUSTED). Downloads and lists see the caller's
 * uploads, shared models and the caller's jobs' files (PERMISSION_DENIED otherwise); a download is
 * sent only as fast as the client reads it (flow control). Lists come in pages.
 */
@GrpcService
@RolesAllowed({Callers.USER, Callers.ADMIN})
public class ArtifactGrpcService extends ArtifactServiceGrpc.ArtifactServiceImplBase {
  private static final int CHUNK = 64 * 1024;

  @Inject ArtifactStore store;
  @Inject JobOrchestrator jobs;
  @Inject SecurityIdentity identity;

  @ConfigProperty(name = "plora.artifacts.max-upload-bytes", defaultValue = "4294967296")
  long maxUploadBytes;

  @Override
  @Blocking
  public StreamObserver<UploadChunk> upload(StreamObserver<ArtifactInfo> response) {
    Caller caller = Callers.of(identity); // the call's identity, before the stream's callbacks
    StoreAccess access = new StoreAccess(store);
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
            target = store.relative(access.uploadTarget(chunk.getPath(), caller), "path");
            Files.createDirectories(target.getParent());
            tmp = Files.createTempFile(target.getParent(), ".upload-", ".part");
            out = Files.newOutputStream(tmp);
            sha = MessageDigest.getInstance("SHA-256");
          }
          bytes += chunk.getData().size();
          if (bytes > maxUploadBytes) {
            fail(
                Status.RESOURCE_EXHAUSTED.withDescription(
                    "the upload exceeds this gateway's limit of "
                        + maxUploadBytes
                        + " bytes (plora.artifacts.max-upload-bytes)"));
            return;
          }
          chunk.getData().writeTo(out);
          sha.update(chunk.getData().asReadOnlyByteBuffer());
        } catch (InvalidSpecException e) {
          fail(Status.INVALID_ARGUMENT.withDescription(e.getMessage()));
        } catch (AccessDeniedException e) {
          fail(Status.PERMISSION_DENIED.withDescription(e.getMessage()));
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
          String digest = HexFormat.of().formatHex(sha.digest());
          try {
            // A hard link appears atomically and fails when the name is taken: write-once.
            Files.createLink(target, tmp);
          } catch (FileAlreadyExistsException taken) {
            if (!digest.equals(ExportDigests.sha256(target))) {
              cleanUp();
              response.onError(
                  Status.ALREADY_EXISTS
                      .withDescription(
                          "'"
                              + store.uriOf(target)
                              + "' exists with other content; uploads are write-once (jobs may be"
                              + " reading it): upload under a new name")
                      .asRuntimeException());
              return;
            }
          }
          cleanUp();
          response.onNext(
              ArtifactInfo.newBuilder()
                  .setPath(store.uriOf(target))
                  .setBytes(bytes)
                  .setSha256(digest)
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
      if (!new StoreAccess(store).mayRead(request.getPath(), Callers.of(identity), jobs::owner)) {
        response.onError(
            Status.PERMISSION_DENIED
                .withDescription(
                    "'"
                        + request.getPath()
                        + "' is not yours to read (your uploads, shared models and your jobs' files are)")
                .asRuntimeException());
        return;
      }
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
    InputStream in;
    try {
      in = Files.newInputStream(p);
    } catch (IOException e) {
      response.onError(
          Status.INTERNAL
              .withDescription("cannot read " + p + ": " + e.getMessage())
              .asRuntimeException());
      return;
    }
    new Sender(in, p, (ServerCallStreamObserver<DownloadChunk>) response).start();
  }

  /** Sends a file chunk by chunk while the client can take more (isReady), resumed by onReady. */
  private static final class Sender {
    private final InputStream in;
    private final Path file;
    private final ServerCallStreamObserver<DownloadChunk> call;
    private boolean done;

    Sender(InputStream in, Path file, ServerCallStreamObserver<DownloadChunk> call) {
      this.in = in;
      this.file = file;
      this.call = call;
    }

    void start() {
      call.setOnCancelHandler(this::close);
      call.setOnReadyHandler(this::pump);
      pump();
    }

    private synchronized void pump() {
      if (done) {
        return;
      }
      try {
        byte[] buf = new byte[CHUNK];
        while (call.isReady()) {
          int n = in.readNBytes(buf, 0, CHUNK);
          if (n <= 0) {
            close();
            call.onCompleted();
            return;
          }
          call.onNext(DownloadChunk.newBuilder().setData(ByteString.copyFrom(buf, 0, n)).build());
        }
      } catch (IOException e) {
        close();
        call.onError(
            Status.INTERNAL
                .withDescription("cannot read " + file + ": " + e.getMessage())
                .asRuntimeException());
      } catch (RuntimeException gone) { // the client went away
        close();
      }
    }

    private synchronized void close() {
      done = true;
      try {
        in.close();
      } catch (IOException ignored) {
        // closing a read-only stream
      }
    }
  }

  @Override
  @Blocking
  public void list(ListArtifactsRequest request, StreamObserver<ListArtifactsResponse> response) {
    try {
      Caller caller = Callers.of(identity);
      String prefix =
          request.getPrefix().isEmpty() && !caller.admin()
              ? StoreAccess.uploadArea(caller)
              : request.getPrefix();
      if (!prefix.isEmpty() && !new StoreAccess(store).mayRead(prefix, caller, jobs::owner)) {
        response.onError(
            Status.PERMISSION_DENIED
                .withDescription("'" + prefix + "' is not yours to list")
                .asRuntimeException());
        return;
      }
      Path dir = prefix.isEmpty() ? store.root() : store.relative(prefix, "prefix");
      List<Path> files;
      if (Files.isDirectory(dir)) {
        try (Stream<Path> all = Files.walk(dir)) {
          files =
              all.filter(Files::isRegularFile)
                  .filter(f -> !f.getFileName().toString().startsWith("."))
                  .sorted()
                  .toList();
        }
      } else {
        files = List.of();
      }
      Pages.Page<Path> page =
          Pages.of(files, store::uriOf, request.getPageSize(), request.getPageToken());
      ListArtifactsResponse.Builder b =
          ListArtifactsResponse.newBuilder().setNextPageToken(page.nextToken());
      for (Path f : page.items()) {
        try {
          b.addArtifacts(ArtifactInfo.newBuilder().setPath(store.uriOf(f)).setBytes(Files.size(f)));
        } catch (IOException ignored) {
          // deleted while listing
        }
      }
      response.onNext(b.build());
      response.onCompleted();
    } catch (InvalidSpecException e) {
      response.onError(
          Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException());
    } catch (IOException e) {
      response.onError(
          Status.INTERNAL.withDescription("cannot list: " + e.getMessage()).asRuntimeException());
    }
  }
}
