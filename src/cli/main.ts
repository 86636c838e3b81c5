/** Entry point of the `accord` command (bin/accord.js imports the compiled form). */
import { buildProgram } from './program.js';

await buildProgram().parseAsync(process.argv);
