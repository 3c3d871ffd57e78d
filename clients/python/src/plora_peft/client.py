"""plora's gRPC API from Python: a TLS channel with a bearer token, submit and watch.

The stubs (``plora.v1``) are generated from the repository's ``proto/`` when the package is built
(``mvn -pl clients/python generate-sources``, or ``python -m grpc_tools.protoc`` as pom.xml shows).

    from plora_peft import client
    with client.connect("127.0.0.1:19000", ca_pem=".plora/tls/ca.pem", token_file="alice.token") as ch:
        status = client.submit(ch, {"dataset": {"trainUri": "uploads/alice/train.jsonl"}})
        final = client.watch(ch, status.job_id, on_event=print)
"""
import json

import grpc
from google.protobuf import json_format

from plora.v1 import job_pb2, service_pb2, service_pb2_grpc


def connect(target, ca_pem, token=None, token_file=None):
    """A channel that speaks TLS (trusting ``ca_pem``) and sends ``authorization: Bearer <token>``."""
    if token is None:
        if token_file is None:
            raise ValueError("give token or token_file (mint one with `plora token --subject NAME`)")
        with open(token_file) as f:
            token = f.read().strip()
    with open(ca_pem, "rb") as f:
        tls = grpc.ssl_channel_credentials(root_certificates=f.read())
    return grpc.secure_channel(target, grpc.composite_channel_credentials(tls, grpc.access_token_call_credentials(token)))


def submit(channel, spec, timeout=60):
    """Submits a JobSpec (a dict, proto3 JSON text, or a ``job_pb2.JobSpec``); returns its JobStatus."""
    if isinstance(spec, dict):
        spec = json.dumps(spec)
    if isinstance(spec, str):
        spec = json_format.Parse(spec, job_pb2.JobSpec())
    jobs = service_pb2_grpc.JobServiceStub(channel)
    return jobs.SubmitJob(service_pb2.SubmitJobRequest(spec=spec), timeout=timeout)


def watch(channel, job_id, on_event=None, timeout=None):
    """Follows a job to its end; calls ``on_event`` with each JobStatus or Progress; returns the last status."""
    jobs = service_pb2_grpc.JobServiceStub(channel)
    final = None
    for event in jobs.WatchJob(service_pb2.GetJobRequest(job_id=job_id), timeout=timeout):
        item = event.status if event.HasField("status") else event.progress
        if event.HasField("status"):
            final = event.status
        if on_event is not None:
            on_event(item)
    return final


def is_status(item):
    """Whether a watch item is a JobStatus (else it is a Progress)."""
    return isinstance(item, job_pb2.JobStatus)


def state_name(status):
    return job_pb2.JobState.Name(status.state)
