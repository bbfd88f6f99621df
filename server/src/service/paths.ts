// Requires-Python checks for the service layer (PEP 440 itself is in shared/pep440.ts).

export { pythonAllows } from '../shared/pep440.js';

