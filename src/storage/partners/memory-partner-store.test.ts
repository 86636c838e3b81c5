import { MemoryPartnerStore } from './memory-partner-store.js';
import { partnerStoreContract } from './partner-store.contract.js';

partnerStoreContract('memory', async (now) => new MemoryPartnerStore(now));
