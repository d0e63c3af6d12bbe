// Moved to test/kit/parts.ts; this re-export is only for branches in flight
// and goes once they have landed. Import from '../kit/parts.ts'.
export * from '../kit/parts.ts';
