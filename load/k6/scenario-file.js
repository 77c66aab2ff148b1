// Any scenario JSON given as SCENARIO_FILE (an absolute path): npm run experiments and npm run bench hand k6 the
// scenario they scaled themselves, so k6 and the project's runner run the same steps (load/src/k6/k6-command.ts).
//   K6_WEB_DASHBOARD=true K6_WEB_DASHBOARD_EXPORT=load/results/k6-file-dashboard.html SCENARIO_FILE=/abs/ramp.json k6 run -e BASE_URL=http://127.0.0.1:8080 load/k6/scenario-file.js
import { createScenario } from './lib/scenario.js';

const scenario = createScenario(open(__ENV.SCENARIO_FILE));

export const options = scenario.options;
export const setup = scenario.setup;
export default scenario.iteration;
export const teardown = scenario.teardown;
export const handleSummary = scenario.handleSummary;
