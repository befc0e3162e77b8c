// Adds string-valued tracks (transactions, trace records, failure labels) to a finished FST.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace vtoe {

/** One value of a string track from {@code time} on (time in the FST's units). */
struct TrackChange {
    uint64_t time;
    uint32_t track;
    std::string text;
};

/**
 * Copies the FST {@code in} to {@code out} (hierarchy and every value change) and adds one
 * FST_VT_GEN_STRING variable per name of {@code tracks} ("scope.name"; scopes nest on '.'), carrying
 * {@code changes} (any order; sorted here, stable per time). Returns the full names of every
 * variable of the result, vectors as {@code name[msb:lsb]}, as a .gtkw names them.
 */
std::vector<std::string> fstAddStringTracks(const std::string& in, const std::string& out,
                                            const std::vector<std::string>& tracks, std::vector<TrackChange> changes);

}  // namespace vtoe
