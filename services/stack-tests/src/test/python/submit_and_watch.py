"""An independent client of plora's gRPC API: submits a JobSpec (proto3 JSON) and watches it to the end.

Stubs are generated from proto/ with grpc_tools.protoc into PYTHONPATH. The gateway speaks TLS and wants a
bearer token on every call: CA_PEM is the CA its certificate chains to (the embedded stack's .plora/tls/ca.pem),
TOKEN_FILE holds the token (`plora token --subject NAME`).
Usage: submit_and_watch.py TARGET CA_PEM TOKEN_FILE SPEC_JSON  -> exit 0 when the job succeeded.
"""
import sys

import grpc
from google.protobuf import json_format

from plora.v1 import job_pb2, service_pb2, service_pb2_grpc


def channel(target, ca_pem, token_file):
    with open(ca_pem, "rb") as f:
        tls = grpc.ssl_channel_credentials(root_certificates=f.read())
    with open(token_file) as f:
        token = f.read().strip()
    return grpc.secure_channel(target, grpc.composite_channel_credentials(tls, grpc.access_token_call_credentials(token)))


def main(target, ca_pem, token_file, spec_json):
    with channel(target, ca_pem, token_file) as ch:
        jobs = service_pb2_grpc.JobServiceStub(ch)
        spec = json_format.Parse(spec_json, job_pb2.JobSpec())
        status = jobs.SubmitJob(service_pb2.SubmitJobRequest(spec=spec), timeout=60)
        print("submitted", status.job_id, "owner", status.owner, flush=True)
        final = None
        for event in jobs.WatchJob(service_pb2.GetJobRequest(job_id=status.job_id), timeout=600):
            if event.HasField("status"):
                final = event.status
                print("status", job_pb2.JobState.Name(final.state), final.reason, flush=True)
            else:
                p = event.progress
                print("progress trial %d step %d/%d loss %.4f" % (p.trial, p.step, p.total_steps, p.loss), flush=True)
        if final is None:
            return 2
        for e in final.exports:
            print("export", e.format, e.uri, "sha256", e.sha256, flush=True)
        return 0 if final.state == job_pb2.JOB_STATE_SUCCEEDED else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
