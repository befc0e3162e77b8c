#include "top_api.h"

#include <cstring>
#include <string>
#include <vector>

namespace vtoe {

static std::vector<const TopApi*>& tops() {
    static std::vector<const TopApi*> list;  // function-local: safe against static init order
    return list;
}

TopRegistrar::TopRegistrar(const TopApi* api) { tops().push_back(api); }

const TopApi* findTop(const char* name) {
    for (const TopApi* t : tops())
        if (std::strcmp(t->name, name) == 0) return t;
    return nullptr;
}

const char* topNames() {
    static std::string names;
    names.clear();
    for (const TopApi* t : tops()) {
        if (!names.empty()) names += ", ";
        names += t->name;
    }
    return names.c_str();
}

}  // namespace vtoe
