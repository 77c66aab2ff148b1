// Scenario ramp-to-break (load/scenarios/ramp-to-break.json): The read-write mix with users added step by
// step; the breaking point is the first step where more than 1 % of requests fail or p95 exceeds 1 s.
//   K6_WEB_DASHBOARD=true K6_WEB_DASHBOARD_EXPORT=load/results/k6-ramp-to-break-dashboard.html \
//     k6 run -e BASE_URL=http://127.0.0.1:8080 load/k6/ramp-to-break.js   (-e DURATION_SCALE=0.1: a tenth as long)
//   live charts on http://127.0.0.1:5665 while it runs (k6 prints the address); the HTML report when it ends
//   compose: K6_SCRIPT=ramp-to-break.js docker-compose --profile load run --rm k6
// k6 stops at the breaking step by itself: each step's errors and p95 are thresholds with abortOnFail, delayed
// past the step's ramp, so the run ends in that step with exit code 99; the summary names the breaking step.
import { createScenario } from './lib/scenario.js';

const scenario = createScenario(open('../scenarios/ramp-to-break.json'));

export const options = scenario.options;
export const setup = scenario.setup;
export default scenario.iteration;
export const teardown = scenario.teardown;
export const handleSummary = scenario.handleSummary;
