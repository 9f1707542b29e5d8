package vn.datafloor.synth;

/**
 * What to generate.
 *
 * @param people how many people (the population size; extracts hold subsets and duplicates of them)
 * @param seed   the only source of randomness: the same seed and options give byte-identical CSV/JSONL files
 * @param noise  defect rates of the agency extracts
 */
public record SynthOptions(long people, long seed, Noise noise) {

    public SynthOptions {
        if (people < 1 || people > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("people must be between 1 and " + Integer.MAX_VALUE + ": " + people);
        }
        if (noise == null) {
            throw new IllegalArgumentException("noise is required (use Noise.defaults() or Noise.none())");
        }
    }

    public static SynthOptions of(long people, long seed) {
        return new SynthOptions(people, seed, Noise.defaults());
    }
}
