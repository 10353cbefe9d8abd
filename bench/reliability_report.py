"""Writes docs/reliability.md from the last run of the suite.

    ./lab test 2>&1 | tee /tmp/test.log && python3 bench/reliability_report.py /tmp/test.log

Reads backend/target/reliability/{fuzz,load,classroom}.json (written by FuzzTest, LoadTest and ClassroomLoadTest) and
the CrashRecoveryIT and test-count lines of the log.
"""
import json, os, re, sys

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
fz = json.load(open(root + '/backend/target/reliability/fuzz.json'))
ld = json.load(open(root + '/backend/target/reliability/load.json'))
cls_path = root + '/backend/target/reliability/classroom.json'
cl = json.load(open(cls_path)) if os.path.exists(cls_path) else None
log = open(sys.argv[1]).read()
sig = re.findall(r'SIGTERM: exited in ([0-9.]+) s with status (\d+)', log)
def tests(cls):
    m = re.findall(r'Tests run: (\d+), Failures: (\d+), Errors: (\d+), Skipped: \d+, Time elapsed: ([0-9.]+) s -- in lab\.grokking\.[a-z.]*' + cls, log)
    return m[-1] if m else None
L = ld['load']; S = ld['stalled']
life = re.findall(r'LifecycleModelTest seed (\d+): (\d+) steps \{[^}]*\}, (\d+) restarts, (\d+) faults injected, paused runs seen after (\d+) steps, (\d+) runs \((\d+) removed, (\d+) finished and exact\)', log)
disk = re.findall(r'DiskFullTest: (.*)', log)
def last(pattern, default='not in this log'):
    m = re.findall(pattern, log)
    return m[-1] if m else default
slow = last(r'slow bodies: (.*)')
keys = last(r'80 000 override keys (.*)')
upgrades = last(r'stream upgrades from one address: (.*)')
disk_line = disk[-1] if disk else 'not run on this machine'
if life:
    seed, steps, restarts, injected, paused, nruns, removed, exact = life[-1]
    life_line = (f"seed {seed}: {steps} steps, {restarts} restarts, {injected} faults injected, paused runs present after "
                 f"{paused} steps, {nruns} runs ({removed} removed, never written again), {exact} finished with metrics identical "
                 f"to uninterrupted runs; every invariant held after every step")
else:
    life_line = 'not in this log'

counts = [int(n) for n in re.findall(r'Tests run: (\d+), Failures: 0, Errors: 0, Skipped: \d+\n', log)]
took = re.findall(r'Total time:\s+([0-9:]+ \w+)', log)
totals = ' + '.join(str(c) for c in counts) + ' tests (backend, frontend, end-to-end), all passing' + (f', in {took[-1]}' if took else '')
by_status = ', '.join(f'{k}: {v}' for k, v in sorted(fz['by_status'].items()))
rows = []
for ep, st in sorted(fz['by_endpoint'].items(), key=lambda kv: -sum(kv[1].values()) if isinstance(kv[1], dict) else 0):
    if isinstance(st, dict):
        rows.append(f"| `{ep}` | {sum(v for v in st.values())} | {' '.join(f'{k}: {v}' for k, v in sorted(st.items()))} |")
acc = fz['accepted']
def classroom_section():
    if cl is None:
        return "## A class behind one address (`ClassroomLoadTest`)\n\nNot in this run.\n\n"
    w, a, c, h = cl['wait_before_start_s'], cl['student_api_ms_while_queued'], cl['cpu'], cl['hammer']
    k = cl.get('student_api_p95_ms_by_request', {})
    target = 'within' if a['p95'] is not None and a['p95'] <= 200 else 'above'
    return f"""## A class behind one address (`ClassroomLoadTest`, loopback, clients in the server's JVM)

{cl['students']} students, all from 127.0.0.1 (one address, as behind a NAT), each with its own client token, open the
lab page, submit a small run each within 3 s ({cl['same_config']} of them the same config; {cl['second_runs']} post a
second run at once: {cl['submissions']} submissions), watch their runs over the WebSocket until they end and list their
own runs once a second meanwhile; a client without a token hammers the API from the same address throughout.

* Every run finished; the {cl['submissions']} submissions were computed as {cl['runs_computed']} runs (identical configs
  once); no student was refused; no student's second run started while another student's first waited; the teacher's
  results listed all {cl['teacher_rows']} submissions.
* Wait before start: p50 {w['p50']} s, p95 {w['p95']} s, max {w['max']} s (submission to `started_at`, which a run records once
  its data and predictors are ready, so that setup counts as waiting; {c['cores']} cores; from there runs trained p50
  {cl['run_seconds']['p50']} s, max {cl['run_seconds']['max']} s).
* Student API latency while runs waited: p50 {a['p50']} ms, p95 {a['p95']} ms ({target} the 200 ms target), max
  {a['max']} ms over {a['requests']} requests; p95 by request: lab page {k.get('lab_page')} ms, submission
  {k.get('submit')} ms, own runs {k.get('own_runs')} ms.
* The whole class done in {cl['class_seconds']} s; CPU of the process (server, workers and the 60 clients):
  {c['process_seconds']} s ({c['process_utilisation']} cores on average), of which the run workers {c['workers_seconds']} s.
* The tokenless client: {h['refused_429']} of {h['requests']} requests refused with 429 by its address's per-client
  rate (lowered to 10/s in this test), while no student request was.

"""

out = f"""# Reliability and security: figures from the last run of the suite

Produced by `./lab test` (the same command CI runs) on the project's 2-core machine, with other jobs running beside it,
and written by `bench/reliability_report.py` from that run;
the raw figures are in `backend/target/reliability/fuzz.json` and `load.json` after each run. Heavier variants run with
`./lab test -Dgroklab.heavy=true` (10⁵ fuzzed requests, 1000 viewers). That run: {totals}.

## Fuzz (`FuzzTest`, seed {fz['seed']}, {fz['seconds']} s)

{fz['requests']} generated requests against every endpoint of `/api/openapi.json` (plus unknown paths and wrong methods):
random and boundary configs of each task, malformed JSON, wrong types, NaN/Infinity (as numbers and as strings), huge
and negative numbers, 10 000-deep nesting, unicode and control characters, path traversal in ids and names, 10 MB
bodies, unknown presets, ids and labs, forged `X-Forwarded-For`, odd charsets.

* **Violations: {fz['violations']}.** No 5xx, no stack trace or Java class name in any body, every 4xx from the API is
  JSON naming a field or a limit ({fz['rejections_checked_for_the_bad_field']} rejections were checked to name exactly the
  field the generator broke), and everything accepted ({acc if not isinstance(acc, dict) else ', '.join(f'{v} {k}' for k, v in acc.items())}) was read back and found
  within the server's limits (and, for lab runs, the lab's rules), then cancelled.
* By status: {by_status}.
* Failures found on the way, each fixed and kept as a regression test (`FuzzRegressionTest`): a declared
  `charset=nonsense` gave a 500 (bodies are now read as UTF-8, as JSON requires); integers beyond 64 bits were blamed
  on the field `json` instead of their own; about 470 in 10 000 messages quoted Jackson internals; the strings
  `"NaN"`/`"Infinity"` were accepted as numbers for a field whose rule the data kind skips.

| endpoint | requests | statuses |
|---|---|---|
""" + "\n".join(rows) + f"""

Requests malformed at the HTTP level (bad percent-encoding, `../` in the raw path, over-long URIs) are answered by
Jetty itself, in the API's JSON shape naming `request`, `uri` or `headers` (an empty body where the method allows no
page), never a stack trace. A known path with the wrong method gets 405 with `Allow`.

## Crash (`CrashRecoveryIT`, the app jar as a separate process)

Each scenario: a finished run plus two long runs (matrix completion, 3·10⁶ steps) on one server, stopped mid-run, then
restarted on the same data directory; checkpoints every 0.3 s.

| stop | result |
|---|---|
| SIGKILL mid-run | finished run byte-identical (metrics and run document); both interrupted runs resumed from their checkpoints (`resumed_from_step`) and ended with exactly the metrics of uninterrupted runs; store integrity check "ok" |
| halt inside a checkpoint transaction (rows written, commit not yet; `-Dgroklab.faults.haltInCheckpoint=5`) | the same: the half-written checkpoint rolled back, nothing lost |
| SIGTERM | exited in {sig[-1][0] if sig else '?'} s (status {sig[-1][1] if sig else '?'}; limit 10 s) after checkpointing; both runs resumed and matched uninterrupted runs |

Kills survived with nothing lost: 3 of 3 (6 interrupted runs resumed exactly, 3 finished runs unchanged).

## Faults in the run lifecycle (`StoreFaultTest`, `DiskFullTest`, `LifecycleModelTest`, `StoreCheckTest`, `StartupTest`)

One invariant holds throughout: every run the store calls QUEUED or RUNNING is owned (waiting in the queue, held by a
worker, or paused); a reconciler re-queues any orphan; health's counts are the owned runs.

| fault | what the user sees | lost |
|---|---|---|
| disk full (SQLITE_FULL) mid-checkpoint, at finish, at insert (injected) | the run shows PAUSED: "the disk holding DATA_DIR is full (x MB free); it resumes by itself when space is available"; health `degraded` with the reason and free bytes; new runs 503 with `Retry-After`; reads work; the dashboard shows a banner; when writes succeed again the run resumes from its last checkpoint by itself and ends with exactly the metrics of an uninterrupted run | nothing |
| disk full for real: the data directory on a 4 MB tmpfs filled mid-run, then enlarged ({disk_line}) | the same, with SQLite's own SQLITE_FULL; its failed rollback and commit ("no transaction is active") kept as suppressed, never in place of the cause | nothing |
| I/O error (SQLITE_IOERR) at a checkpoint | PAUSED: "the file system refused a write to the store …"; resumes by itself | nothing |
| cancel while the store takes no writes | 202, the cancel kept and recorded when the store takes writes | nothing |
| a cancel racing dispatch (job taken, run not started) | the run never trains; CANCELLED | nothing |
| a run the store holds RUNNING and nothing owns | re-queued within `store.probeSeconds`, resumes from its checkpoint | nothing |
| a refused insert (disk full at submission) | 503; no row, no job; an identical POST later creates the run | nothing |
| a DELETE of a live run, writes racing a removal | 409 "cancel it first"; a removed run is never written again (the store refuses it inside the write's transaction) | nothing |
| a corrupt `runs.db` at start (random bytes over pages, a truncated file, a WAL from another database) | the server refuses to start with one sentence naming the file, the check's verdict and the recovery command; the files are byte-identical afterwards | nothing |
| a corrupt checkpoint of one run (CRC) | that run restarts from step 0, saying so in its message and summary; other runs unaffected | that run's progress since step 0 |
| port in use, unwritable data directory, bad setting | one sentence, exit status 1, no stack trace | nothing |
| backup while a run writes (`lab backup`, `VACUUM INTO`), then `lab restore` into a stopped server (`BackupTest`) | finished runs come back with identical metrics; runs caught mid-training resume from the backup's checkpoint and end exact; a restore is refused while a server holds the directory or for a damaged file, which then changes nothing | nothing |
| a paper-scale run under a steady stream of classroom runs | starts within `queue.maxWaitSeconds` plus what the longest running run still needs (`FairQueueTest`) | nothing |

Randomized interleavings (`LifecycleModelTest`: submit, re-submit, cancel, delete, disk-full faults at any write,
restarts): {life_line}.

## Load (`LoadTest`, loopback, clients in the server's JVM)

* **{L['viewers']} WebSocket viewers** of one run ({L['points_per_viewer']} points each) **and {L['pollers']} REST pollers**:
  every viewer received every point in order ({L['points_delivered']} deliveries, checked against `GET …/metrics`).
* Stream latency (now − `computed_at` of each row): p50 {L['latency_ms']['p50']} ms, p95 {L['latency_ms']['p95']} ms,
  p99 {L['latency_ms']['p99']} ms, max {L['latency_ms']['max']} ms.
* Pollers: {L['rest']['requests']} requests, {L['rest']['failures']} failures, p50 {L['rest']['latency_ms']['p50']} ms, p95 {L['rest']['latency_ms']['p95']} ms.
* Training slow-down against no viewers: {L['slowdown']}× in wall time ({L['train_us_per_step']['no_viewers']} → {L['train_us_per_step']['watched']} µs/step;
  the 200 viewers' clients share the 2 cores); the training thread's own CPU time {L['training_thread_cpu_ratio']}×. Found here and fixed:
  every viewer was sent every progress tick (≈ 500/s each); now at most 10/s.
* **Stalled clients:** {S['stalled_viewers']} viewers stopped reading ({S['unread_bytes_total'] // 1_000_000} MB left unread, their sockets given a 16 KB
  send buffer as on a slow network): the server heap grew {S['server_heap_growth_bytes'] / 1e6:.1f} MB, each stalled viewer held
  {S['paused_viewer_messages_while_stalled']} message in flight, and one that resumed got all {S['rows']} rows in order in
  {S['resumed_raw_viewer']['points_messages']} batches; the run finished at {S['slowdown']}× the no-viewer time.

""" + classroom_section() + f"""## Abuse

| case | result (test) |
|---|---|
| a client over its running/queued runs | 429 naming `perClientQueued`, `Retry-After` (`FairQueueTest`, `RunsApiTest`) |
| a client over its request rate | burst of `http.requestBurst`, then 429 naming `requestsPerSecond` with `Retry-After`; other clients still served (`RateLimitTest`) |
| forged `X-Forwarded-For` | ignored unless `http.trustedProxy` is set: still one client, still limited (`RateLimitTest`) |
| a classroom link used to exceed the limits | no: lab runs count against the same per-client limits (201, 201, 429, 429 with 1 running + 1 queued) (`LabsApiTest`), and each student against the lab's quota (409 naming `quota.running` / `quota.total`) (`LabLifecycleTest`) |
| a student clearing its cookie for a fresh quota | a fresh token gets a fresh quota, but every token behind the address shares `address.runsQueued` (201 ×4, then 429 naming it) (`LabTamperingTest`) |
| a student reading others' hidden runs or acting as the teacher | hidden runs absent from the shared view and `?mine`; the teacher's routes answer 404, the same bytes as for no lab, to the lab id, the student's token or no key (`LabTamperingTest`, `TeacherResultsTest`) |
| a client without a token behind a class's address | held by its own (address) per-client limits; the tokens behind the address keep their own (`ClientTokenTest`, `ClassroomLoadTest`) |
| a compare series used to exceed them | no: each member is submitted as the same client (`CompareView` via `RunService.submit`) |
| enumerating share ids | 128-bit random ids; an unknown and a removed id get byte-identical 404s (`RunsApiTest`); `GET /api/runs` lists only the caller's own runs (`RunsApiTest`) |
| a path built from user input | none: ArchUnit rules forbid `Path`/`Files`/`File` in request handling and views (`ArchitectureTest` in backend and frontend) |
| classroom locks against hand-made requests | locked, hidden and unknown fields and values outside the lab's range → 422 naming the field, nothing started (`LabsApiTest`, 8 tampered requests; `DashboardIT` in the browser and by HTTP) |
| one client holding the workers for days | per-client budgets of estimated training time in flight and per day (429 naming the budget), a wall-clock cap per attempt (stopped with a checkpoint, resumable), large runs never on every worker (`BudgetsTest`) |
| slow request bodies | bodies read without a thread, a deadline, a per-address connection cap; slow bodies: {slow} (`SlowBodyTest`, `ConnectionCapTest`) |
| WebSocket floods and foreign pages | upgrades rate-limited, capped per client, Origin-checked: {upgrades} (`StreamLimitsTest`) |
| 80 000 bad keys in one request | first 20 problems and a count: {keys} (`OwnershipTest`) |
| cancelling another client's run | 403 naming `id`; de-duplication hands a read-only handle (`OwnershipTest`) |
| a cross-site page driving the API | 403 naming `Origin` (Origin, Sec-Fetch-Site), 415 for a body not declared JSON; FuzzTest checks both on every request (`CrossOriginTest`, `ContentTypeTest`, `FuzzTest`) |
| the store check from anyone | admin token required (`AdminTokenTest`) |
| graceful shutdown | SIGTERM: no new runs, running ones checkpoint, exit in {sig[-1][0] if sig else '?'} s, resume on the next start (`CrashRecoveryIT`) |
"""
open(root + '/docs/reliability.md', 'w').write(out)

