"""Submits a JobSpec (proto3 JSON) to a plora gateway and watches it to the end, with plora_peft.client.

Usage: submit_and_watch.py TARGET CA_PEM TOKEN_FILE SPEC_JSON   -> exit 0 when the job succeeded.
(The embedded stack: TARGET 127.0.0.1:19000, CA_PEM .plora/tls/ca.pem, TOKEN_FILE .plora/auth/admin.token.)
"""
import sys

from plora_peft import client


def show(item):
    if client.is_status(item):
        print("status", client.state_name(item), item.reason, flush=True)
    else:
        print("progress trial %d step %d/%d loss %.4f" % (item.trial, item.step, item.total_steps, item.loss), flush=True)


def main(target, ca_pem, token_file, spec_json):
    with client.connect(target, ca_pem, token_file=token_file) as ch:
        status = client.submit(ch, spec_json)
        print("submitted", status.job_id, "owner", status.owner, flush=True)
        final = client.watch(ch, status.job_id, on_event=show, timeout=600)
        if final is None:
            return 2
        for e in final.exports:
            print("export", e.format, e.uri, "sha256", e.sha256, flush=True)
        return 0 if client.state_name(final) == "JOB_STATE_SUCCEEDED" else 1


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:5]))
