import { knowledgeStoreContract } from './knowledge-store.contract.js';
import { MemoryKnowledgeStore } from './memory-knowledge-store.js';

knowledgeStoreContract('memory', async (now) => new MemoryKnowledgeStore(now));
