// source1
#include <iostream>
int main() { std::cout << "one\n"; }
