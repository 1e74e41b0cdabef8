// Per-language knowledge of syntax trees, put together: each language's classifier (definition-rules.ts) and
// relation query (relation-rules.ts). The traversal in syntax.ts and the relation finder in relations.ts are
// shared; only these rules differ between languages. Types and shared node helpers: rule-types.ts.

import { classifierByLanguage } from './definition-rules.ts';
import { relationRulesByLanguage } from './relation-rules.ts';
import type { LanguageRules } from './rule-types.ts';
import type { SyntaxLanguageId } from './types.ts';

const rulesByLanguage: Readonly<Record<SyntaxLanguageId, LanguageRules>> = Object.fromEntries(
  (Object.keys(classifierByLanguage) as SyntaxLanguageId[]).map((language) => [language, { classify: classifierByLanguage[language], relations: relationRulesByLanguage[language] }]),
) as Record<SyntaxLanguageId, LanguageRules>;

/** The rules of one language. */
export function rulesFor(language: SyntaxLanguageId): LanguageRules {
  return rulesByLanguage[language];
}
