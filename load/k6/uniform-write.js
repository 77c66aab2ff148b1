// Scenario uniform-write (load/scenarios/uniform-write.json): Orders only, at a fixed arrival rate, spread
// over users and products created in setup: throughput of the write path without hot stock rows.
//   K6_WEB_DASHBOARD=true K6_WEB_DASHBOARD_EXPORT=load/results/k6-uniform-write-dashboard.html \
//     k6 run -e BASE_URL=http://127.0.0.1:8080 load/k6/uniform-write.js   (-e DURATION_SCALE=0.1: a tenth as long)
//   live charts on http://127.0.0.1:5665 while it runs (k6 prints the address); the HTML report when it ends
//   compose: K6_SCRIPT=uniform-write.js docker-compose --profile load run --rm k6
import { createScenario } from './lib/scenario.js';

const scenario = createScenario(open('../scenarios/uniform-write.json'));

export const options = scenario.options;
export const setup = scenario.setup;
export default scenario.iteration;
export const teardown = scenario.teardown;
export const handleSummary = scenario.handleSummary;
