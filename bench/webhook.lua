-- wrk script: the same signed webhook body, a unique X-GitHub-Delivery per request.
-- wrk -s bench/webhook.lua URL -- BODY_FILE SIGNATURE EVENT RUN_ID
local body, signature, event, run_id
local counter = 0
thread_id = 0  -- set per thread by setup()
local threads = {}

function setup(thread)
  thread:set("thread_id", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  local f = assert(io.open(args[1], "rb"))
  body = f:read("*a")
  f:close()
  signature, event, run_id = args[2], args[3], args[4]
end

function request()
  counter = counter + 1
  return wrk.format("POST", "/api/github/webhooks", {
    ["Content-Type"] = "application/json",
    ["X-GitHub-Event"] = event,
    ["X-GitHub-Delivery"] = run_id .. "-" .. thread_id .. "-" .. counter,
    ["X-Hub-Signature-256"] = signature,
  }, body)
end

function done(summary, latency, requests)
  -- one JSON line for bench_intake.py; latencies in microseconds
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "errors": {"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d}, "p50_us": %d, "p90_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
