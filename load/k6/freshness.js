// Scenario freshness (load/scenarios/freshness.json): Each user places an order for its own user, then polls
// highest-spenders through the gateway until the order shows; records freshness_ms (201 answer to the first
// report that shows it).
//   K6_WEB_DASHBOARD=true K6_WEB_DASHBOARD_EXPORT=load/results/k6-freshness-dashboard.html \
//     k6 run -e BASE_URL=http://127.0.0.1:8080 load/k6/freshness.js   (-e DURATION_SCALE=0.1: a tenth as long)
//   live charts on http://127.0.0.1:5665 while it runs (k6 prints the address); the HTML report when it ends
//   compose: K6_SCRIPT=freshness.js docker-compose --profile load run --rm k6
import { createScenario } from './lib/scenario.js';

const scenario = createScenario(open('../scenarios/freshness.json'));

export const options = scenario.options;
export const setup = scenario.setup;
export default scenario.iteration;
export const teardown = scenario.teardown;
export const handleSummary = scenario.handleSummary;
