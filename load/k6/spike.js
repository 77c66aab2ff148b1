// Scenario spike (load/scenarios/spike.json): The read-write mix at 100 users, a sudden jump to 1,000 users
// for a minute, then back to 100: does the system recover?
//   K6_WEB_DASHBOARD=true K6_WEB_DASHBOARD_EXPORT=load/results/k6-spike-dashboard.html \
//     k6 run -e BASE_URL=http://127.0.0.1:8080 load/k6/spike.js   (-e DURATION_SCALE=0.1: a tenth as long)
//   live charts on http://127.0.0.1:5665 while it runs (k6 prints the address); the HTML report when it ends
//   compose: K6_SCRIPT=spike.js docker-compose --profile load run --rm k6
import { createScenario } from './lib/scenario.js';

const scenario = createScenario(open('../scenarios/spike.json'));

export const options = scenario.options;
export const setup = scenario.setup;
export default scenario.iteration;
export const teardown = scenario.teardown;
export const handleSummary = scenario.handleSummary;
