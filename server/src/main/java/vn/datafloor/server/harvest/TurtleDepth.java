package vn.datafloor.server.harvest;

/**
 * How deeply a Turtle document nests blank nodes ({@code [ ]}) and collections ({@code ( )}),
 * outside IRIs, strings and comments: Jena's Turtle parser recurses once per level, so a document
 * nested a hundred thousand deep would exhaust the stack. Checked before parsing.
 */
final class TurtleDepth {

    private TurtleDepth() {}

    static int of(byte[] turtle) {
        int depth = 0;
        int max = 0;
        int i = 0;
        int n = turtle.length;
        while (i < n) {
            byte c = turtle[i];
            switch (c) {
                case '#' -> {
                    while (i < n && turtle[i] != '\n' && turtle[i] != '\r') {
                        i++;
                    }
                }
                case '<' -> {
                    // an IRI: no spaces, ends at '>'
                    int j = i + 1;
                    while (j < n && turtle[j] != '>' && turtle[j] != ' ' && turtle[j] != '\n') {
                        j++;
                    }
                    i = j;
                }
                case '"', '\'' -> {
                    boolean longString = i + 2 < n && turtle[i + 1] == c && turtle[i + 2] == c;
                    i += longString ? 3 : 1;
                    while (i < n) {
                        if (turtle[i] == '\\') {
                            i += 2;
                            continue;
                        }
                        if (turtle[i] == c
                                && (!longString || (i + 2 < n && turtle[i + 1] == c && turtle[i + 2] == c))) {
                            i += longString ? 2 : 0;
                            break;
                        }
                        if (!longString && (turtle[i] == '\n' || turtle[i] == '\r')) {
                            break;
                        }
                        i++;
                    }
                }
                case '[', '(' -> max = Math.max(max, ++depth);
                case ']', ')' -> depth = Math.max(0, depth - 1);
                default -> {}
            }
            i++;
        }
        return max;
    }
}
