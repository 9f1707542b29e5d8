/**
 * Terms of use as ODRL 2.2 policies: the model ({@link vn.datafloor.policy.Policy}), its compacted JSON-LD form
 * ({@link vn.datafloor.policy.OdrlJson}), the evaluator ({@link vn.datafloor.policy.Evaluator}) and a plain-language
 * rendering ({@link vn.datafloor.policy.PlainLanguage}). No framework, no JSON-LD processor: policies are read and
 * written in the compacted form the ODRL context defines.
 */
package vn.datafloor.policy;
