"""An independent client of plora's gRPC API: submits a JobSpec (proto3 JSON) and watches it to the end.

Stubs are generated from proto/ with grpc_tools.protoc (Debian python3-grpc-tools) into PYTHONPATH.
Usage: submit_and_watch.py TARGET SPEC_JSON  -> exit 0 when the job succeeded.
"""
import sys

import grpc
from google.protobuf import json_format

from plora.v1 import job_pb2, service_pb2, service_pb2_grpc


def main(target, spec_json):
    with grpc.insecure_channel(target) as channel:
        jobs = service_pb2_grpc.JobServiceStub(channel)
        spec = json_format.Parse(spec_json, job_pb2.JobSpec())
        status = jobs.SubmitJob(service_pb2.SubmitJobRequest(spec=spec), timeout=60)
        print("submitted", status.job_id, flush=True)
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
            print("export", e.format, e.uri, flush=True)
        return 0 if final.state == job_pb2.JOB_STATE_SUCCEEDED else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
