/* ricsim: agent-based simulator of regional innovation clusters. */
#include "cli.h"

int main(int argc, char **argv)
{
    return ric_cli_main(argc, argv);
}
