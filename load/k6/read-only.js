// Scenario read-only (load/scenarios/read-only.json): The lab's first locustfile: the two reports, 1:1, by
// users who think 1-3 s between requests.
//   K6_WEB_DASHBOARD=true K6_WEB_DASHBOARD_EXPORT=load/results/k6-read-only-dashboard.html \
//     k6 run -e BASE_URL=http://127.0.0.1:8080 load/k6/read-only.js   (-e DURATION_SCALE=0.1: a tenth as long)
//   live charts on http://127.0.0.1:5665 while it runs (k6 prints the address); the HTML report when it ends
//   compose: K6_SCRIPT=read-only.js docker-compose --profile load run --rm k6
import { createScenario } from './lib/scenario.js';

const scenario = createScenario(open('../scenarios/read-only.json'));

export const options = scenario.options;
export const setup = scenario.setup;
export default scenario.iteration;
export const teardown = scenario.teardown;
export const handleSummary = scenario.handleSummary;
