#!/usr/bin/env bash
# verify-rollout.sh <stack> [--explain]
# Runs after `pulumi up -s <stack>` in an environment job (oc logged in to f047a2-<stack>):
#  1. waits for the rollouts Pulumi does not await - DeploymentConfigs, which pulumi-kubernetes treats
#     as custom resources - with `oc rollout status` and a timeout (Deployments were awaited by the up);
#  2. checks that the server answers its version endpoint on its Route;
#  3. writes the stack's outputs (URLs, commit, images) and both results to the job summary.
# A rollout that does not complete fails the step with each failing pod's reason and last log lines.
# --explain only prints the failing pods' reasons (for an `if: failure()` step after a failed up).
set -euo pipefail

stack="${1:?usage: verify-rollout.sh <stack> [--explain]}"
mode="${2:-verify}"
timeout="${ROLLOUT_TIMEOUT:-25m}"
summary="${GITHUB_STEP_SUMMARY:-/dev/stderr}"
tiers=(hcap-server hcap-client)

# The values the stack exports, rendered offline from the same commit the up applied.
outputs=$(npm run --silent render -- "$stack" --outputs 2>/dev/null)
out() { jq -r "$1" <<<"$outputs"; }
workload=$(out .workload)

explain() {
  local tier="$1" pod reason
  for pod in $(oc get pods -l "name=$tier" -o jsonpath='{range .items[*]}{.metadata.name}{" "}{end}' || true); do
    reason=$(oc get pod "$pod" -o jsonpath='{range .status.containerStatuses[?(@.ready==false)]}{.state.waiting.reason}{.state.terminated.reason}{" "}{.state.waiting.message}{" (last exit: "}{.lastState.terminated.reason}{" "}{.lastState.terminated.exitCode}{", restarts "}{.restartCount}{")"}{end}')
    [ -z "$reason" ] && reason=$(oc get pod "$pod" -o jsonpath='{range .status.conditions[?(@.status=="False")]}{.type}: {.reason} {.message} {end}')
    [ -z "$reason" ] && continue
    echo "::error::$tier pod $pod is not ready: $reason"
    echo "- \`$pod\`: $reason" >> "$summary"
    echo "::group::last log lines of $pod"
    oc logs "$pod" --tail=40 2>/dev/null || true
    oc logs "$pod" --previous --tail=40 2>/dev/null || true
    echo "::endgroup::"
  done
}

if [ "$mode" = "--explain" ]; then
  echo "### Rollout of $stack failed" >> "$summary"
  for tier in "${tiers[@]}"; do explain "$tier"; done
  exit 0
fi

echo "### $stack: rollout" >> "$summary"
failed=0
for tier in "${tiers[@]}"; do
  if [ "$workload" = "DeploymentConfig" ]; then
    # The trigger controller rewrites the DC as soon as the environment tag moves (tools up, an earlier
    # job); wait until the latest deployment runs the image the trigger last resolved, then for it.
    for _ in $(seq 1 24); do
      latest=$(oc get "dc/$tier" -o jsonpath='{.status.latestVersion}')
      triggered=$(oc get "dc/$tier" -o jsonpath='{.spec.triggers[?(@.type=="ImageChange")].imageChangeParams.lastTriggeredImage}')
      running=$(oc get "rc/$tier-$latest" -o jsonpath='{.spec.template.spec.containers[0].image}' 2>/dev/null || true)
      if [ -z "$triggered" ] || [ "$triggered" = "$running" ]; then break; fi
      sleep 5
    done
    kind=dc
    if [ "$(oc get "dc/$tier" -o jsonpath='{.status.latestVersion}')" = "0" ]; then
      # Never triggered: its environment tag has no image yet (not promoted).
      echo "- \`dc/$tier\`: not deployed yet (nothing promoted)" >> "$summary"
      continue
    fi
  else
    kind=deployment
  fi
  if oc rollout status "$kind/$tier" --timeout="$timeout"; then
    echo "- \`$kind/$tier\`: rolled out" >> "$summary"
  else
    echo "- \`$kind/$tier\`: **rollout did not complete within $timeout**" >> "$summary"
    explain "$tier"
    failed=1
  fi
done
[ "$failed" = 0 ] || exit 1

{
  echo "### $stack: outputs"
  echo ""
  echo "| | URL | commit | image |"
  echo "|---|---|---|---|"
  echo "| server | $(out .server.url) | $(out '.server.commit // "not promoted"') | $(out '.server.image // "-"') |"
  echo "| client | $(out .client.url) | $(out '.client.commit // "not promoted"') | $(out '.client.image // "-"') |"
  echo ""
  echo "Workload: $workload. Database Service: $(out .database.service):$(out .database.port). Backups: $(out .backup.schedule) ($(out .backup.timeZone))."
} >> "$summary"

commit=$(out '.server.commit // ""')
if [ -z "$commit" ]; then
  echo "Not promoted yet: no version to check." >> "$summary"
  exit 0
fi
url=$(out .server.versionUrl)
body=""
for _ in $(seq 1 12); do
  if body=$(curl -fsS --max-time 10 "$url"); then break; fi
  body=""
  sleep 10
done
if [ -z "$body" ]; then
  echo "::error::$url did not answer with 200 within two minutes after the rollout"
  echo "- version check: **$url did not answer**" >> "$summary"
  exit 1
fi
echo "- version check: $url answered \`$body\`" >> "$summary"
if ! grep -q "$commit" <<<"$body"; then
  echo "::warning::$url answers, but its version does not name commit $commit (the image's VERSION build argument is not the commit)"
fi
