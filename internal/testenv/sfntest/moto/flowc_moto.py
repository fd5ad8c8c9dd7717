# moto's server, patched so that Step Functions executes flowc's definitions
# with real tasks. Started by internal/testenv/sfntest (moto.go):
#
#   python3 flowc_moto.py -H 127.0.0.1 -p PORT
#
# 1. moto 5.2's Step Functions interpreter (LocalStack's) passes the
#    PascalCase Parameters of a service integration to botocore unconverted,
#    so every batch:submitJob.sync fails with States.Runtime 'JobName'
#    (getmoto/moto#10076). Convert them with botocore's service model.
# 2. Its StartExecution deep-copies the state machine, executions and
#    backend included, and so fails (cannot pickle '_thread.RLock') once an
#    execution that ran a .sync task is among them: the second run of a
#    deployment got a 500. Copy the state machine without them.
# 3. A .sync task also waits for a task token callback, and on a retry of
#    the state that wait ends at once (the first attempt's callback is
#    spent), so the retried attempt is reported TaskTimedOut while its job
#    runs. flowc's definitions use no task tokens: wait for the job alone.
# 4. moto's Docker-less Batch backend marks every job SUCCEEDED without
#    running it. Run the job's command as a local process instead: exit
#    status 0 -> SUCCEEDED, else FAILED; array children get
#    AWS_BATCH_JOB_ARRAY_INDEX; Timeout.AttemptDurationSeconds is enforced;
#    SubmitJob's RetryStrategy.Attempts (which moto drops) reruns a failed
#    job, AWS_BATCH_JOB_ATTEMPT counting from 1, as Batch does. TerminateJob
#    (which moto only records) stops the process as ECS stops a container:
#    SIGTERM, SIGKILL after FLOWCTEST_STOP_TIMEOUT seconds (default 30).
# 5. DescribeJobs reports a container's vcpus and memory as floats (1.0,
#    read from the job definition's ResourceRequirements), which the Go
#    SDK refuses to decode into its integers, and drops the container's
#    exitCode from a full description. Report integers and the exit code,
#    as Batch does (a hybrid run polls DescribeJobs).
#
# A job's environment is this server's (which the harness keeps to what a
# Batch job would get: credentials, region, endpoint) plus the job
# definition's and the overrides' environment. FLOWCTEST_* variables
# configure the patch and are not passed on:
#   FLOWCTEST_IMAGE_BINARY  replaces the command's first word when it is
#                           /flowc/flow (the binary's path in flowc images);
#                           when it is a directory, the binary is the file
#                           in it named after the image's repository's last
#                           part (registry/flows/<name>@sha256:...), so one
#                           server runs the images of several flows
#   FLOWCTEST_LOG_DIR       where each job's output goes, <job id>.log
#   FLOWCTEST_STOP_TIMEOUT  seconds between a terminated job's SIGTERM and
#                           its SIGKILL (ECS's stopTimeout; default 30)
import copy
import datetime
import os
import subprocess
import sys
import threading
import time

import botocore.session
from botocore import xform_name
from moto.batch import responses as batch_responses
from moto.batch.models import JobStatus
from moto.batch_simple import models as batch_simple
from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service,
)

# --- 1. service integration parameters --------------------------------------

_botocore = botocore.session.get_session()
_operations = {}


def _operation(service, action):
    if service not in _operations:
        model = _botocore.get_service_model(service)
        _operations[service] = {xform_name(op): model.operation_model(op) for op in model.operation_names}
    return _operations[service].get(action)


def _normalise_parameters(self, parameters, boto_service_name=None, service_action_name=None):
    op = _operation(self._get_boto_service_name(boto_service_name), self._get_boto_service_action(service_action_name))
    if op is not None and op.input_shape is not None:
        self._to_boto_request(parameters, op.input_shape)


def _normalise_response(self, response, boto_service_name=None, service_action_name=None):
    op = _operation(self._get_boto_service_name(boto_service_name), self._get_boto_service_action(service_action_name))
    if op is not None and op.output_shape is not None:
        self._from_boto_response(response, op.output_shape)


state_task_service.StateTaskService._normalise_parameters = _normalise_parameters
state_task_service.StateTaskService._normalise_response = _normalise_response

# --- 2. StartExecution's copy of the state machine ---------------------------

from moto.stepfunctions import models as sfn_models


def _state_machine_deepcopy(self, memo):
    clone = self.__class__.__new__(self.__class__)
    memo[id(self)] = clone
    for k, v in self.__dict__.items():
        if k == "backend":
            clone.backend = v
        elif k == "executions":
            clone.executions = []
        else:
            setattr(clone, k, copy.deepcopy(v, memo))
    return clone


sfn_models.StateMachine.__deepcopy__ = _state_machine_deepcopy

# --- 3. .sync without a task token wait --------------------------------------

from moto.stepfunctions.parser.asl.component.state.exec.state_task.service import (
    state_task_service_callback,
)

_orig_eval_sync = state_task_service_callback.StateTaskServiceCallback._eval_sync


def _eval_sync(self, *args, **kwargs):
    kwargs["callback_endpoint"] = None
    return _orig_eval_sync(self, *args, **kwargs)


state_task_service_callback.StateTaskServiceCallback._eval_sync = _eval_sync

# --- 4. Batch jobs as local processes ----------------------------------------

_CONFIG = {k: v for k, v in os.environ.items() if k.startswith("FLOWCTEST_")}
_BASE_ENV = {k: v for k, v in os.environ.items() if not k.startswith("FLOWCTEST_")}
_LOG_DIR = _CONFIG.get("FLOWCTEST_LOG_DIR", "/tmp/flowc-moto-batch")
_IMAGE_BINARY = _CONFIG.get("FLOWCTEST_IMAGE_BINARY", "")


_submitting = threading.local()
_orig_submitjob = batch_responses.BatchResponse.submitjob


def _submitjob(self):
    # moto's SubmitJob drops retryStrategy: keep it for the jobs it makes.
    _submitting.attempts = int((self._get_param("retryStrategy") or {}).get("attempts") or 1)
    try:
        return _orig_submitjob(self)
    finally:
        _submitting.attempts = 1


batch_responses.BatchResponse.submitjob = _submitjob


def _job_env(job, index, attempt):
    env = dict(_BASE_ENV)
    props = job.job_definition.container_properties or {}
    for e in props.get("environment", []) or []:
        env[e["name"]] = e["value"]
    for e in (job.container_overrides or {}).get("environment", []) or []:
        env[e["name"]] = e["value"]
    env["AWS_BATCH_JOB_ID"] = job.job_id
    env["AWS_BATCH_JOB_ATTEMPT"] = str(attempt)
    env["AWS_BATCH_JQ_NAME"] = job.job_queue.name
    if index is not None:
        env["AWS_BATCH_JOB_ARRAY_INDEX"] = str(index)
    return env


def _job_command(job):
    props = job.job_definition.container_properties or {}
    cmd = list((job.container_overrides or {}).get("command") or props.get("command") or [])
    if cmd and cmd[0] == "/flowc/flow" and _IMAGE_BINARY:
        cmd[0] = _IMAGE_BINARY
        if os.path.isdir(_IMAGE_BINARY):
            repo = (props.get("image") or "").split("@")[0].rsplit("/", 1)[-1].split(":")[0]
            cmd[0] = os.path.join(_IMAGE_BINARY, repo)
    return cmd


def _run(job, index, attempts):
    job.job_started_at = datetime.datetime.now()
    job.log_stream_name = job._stream_name
    job._start_attempt()
    job.status = JobStatus.RUNNING
    os.makedirs(_LOG_DIR, exist_ok=True)
    limit = (job.timeout or {}).get("attemptDurationSeconds")
    ok = False
    with open(os.path.join(_LOG_DIR, job.job_id.replace(":", "_") + ".log"), "wb") as log:
        for attempt in range(1, attempts + 1):
            if job.stop:  # terminated: TerminateJob set the reason
                break
            try:
                p = subprocess.Popen(_job_command(job), env=_job_env(job, index, attempt), stdout=log,
                                     stderr=subprocess.STDOUT, cwd=_LOG_DIR)
            except OSError as e:
                job.job_stopped_reason = "CannotStartContainerError: %s" % e
                break
            code, timed_out = _wait(job, p, limit)
            job.exit_code = code
            ok = code == 0 and not job.stop
            if timed_out:
                job.job_stopped_reason = "Job attempt duration exceeded timeout"
            elif not ok and not job.stop:
                job.job_stopped_reason = "Essential container in task exited"
            if ok or job.stop:
                break
    job._mark_stopped(success=ok)


# TerminateJob stops a running container as ECS does: SIGTERM, then
# SIGKILL after the stop timeout (ECS's default is 30 s).
_STOP_TIMEOUT = float(_CONFIG.get("FLOWCTEST_STOP_TIMEOUT", "30"))


def _wait(job, p, limit):
    """Waits for p: its exit code, and whether the attempt timed out."""
    deadline = time.monotonic() + limit if limit else None
    killed_at = None
    while True:
        try:
            return p.wait(timeout=0.05), False
        except subprocess.TimeoutExpired:
            pass
        if deadline is not None and time.monotonic() > deadline:
            p.kill()
            return p.wait(), True
        if job.stop and killed_at is None:
            p.terminate()
            killed_at = time.monotonic()
        elif killed_at is not None and time.monotonic() - killed_at > _STOP_TIMEOUT:
            p.kill()


def _mark_job_as_finished(self, include_start_attempt, job):
    self.backend._jobs[job.job_id] = job
    if include_start_attempt:  # a plain job, or one child of an array
        index = (job.array_properties or {}).get("index")
        attempts = getattr(_submitting, "attempts", 1)
        threading.Thread(target=_run, args=(job, index, attempts), daemon=True).start()
        return
    # An array's parent ends when its children have.
    job.job_started_at = datetime.datetime.now()
    job.log_stream_name = job._stream_name
    job.status = JobStatus.PENDING

    def wait():
        while job._child_jobs is None or not all(c.job_stopped for c in job._child_jobs):
            if job.stop and job._child_jobs:  # terminating an array terminates its children
                for c in job._child_jobs:
                    c.terminate(job.job_stopped_reason)
            time.sleep(0.05)
        job._mark_stopped(success=all(c.status == JobStatus.SUCCEEDED for c in job._child_jobs))

    threading.Thread(target=wait, daemon=True).start()


batch_simple.BatchSimpleBackend._mark_job_as_finished = _mark_job_as_finished

# --- 5. DescribeJobs as the Go SDK reads it ---------------------------------

from moto.batch import models as batch_models

_orig_container_details = batch_models.Job._container_details


def _container_details(self):
    details = _orig_container_details(self)
    for k in ("vcpus", "memory"):
        if isinstance(details.get(k), float):
            details[k] = int(details[k])
    if self.job_stopped and self.exit_code is not None:
        details["exitCode"] = self.exit_code
    return details


batch_models.Job._container_details = _container_details

if __name__ == "__main__":
    from moto.server import main

    main(sys.argv[1:])
