export {
  c2Countries,
  EVENT4_SINKHOLE_HEADER,
  type GenerateOptions,
  type GeneratePlan,
  generate,
  generateChunks,
  generateStream,
  planGeneration,
} from './generator.js';
export { PROFILES } from './proportions.js';
